import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/**
 * E.164 form of a phone number, or undefined when it cannot be one. "Possible" (right length for
 * its country) rather than "valid", so the 555-01xx numbers of examples and tests are accepted.
 */
export function toE164(raw: string, defaultCountry: CountryCode = "US"): string | undefined {
  const p = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  return p?.isPossible() ? p.number : undefined;
}

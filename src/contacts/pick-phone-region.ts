import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/**
 * The country a business's customers' local numbers belong to: that of its own first number
 * (a Toronto business's "416 555 0100" is Canadian), else the US.
 */
export function pickPhoneRegion(businessNumbers: readonly string[]): CountryCode {
  for (const n of businessNumbers) {
    const country = parsePhoneNumberFromString(n)?.country;
    if (country) return country;
  }
  return "US";
}

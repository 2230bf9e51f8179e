// Whether a "text me instead" invitation may go to a number now, judged only from the number and the
// business (never from what we know of that number's owner, so the answer reveals nothing about
// who is a customer): a country the business texts, and inside the texting window at the number's
// place (its area code, else the business's zone), FL/OK/MD's narrower window included.
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { TProfile } from "../../config/profile-schema.ts";
import { nextAllowedMoment, windowForStates } from "../../messaging/policy/quiet-hours.ts";
import { resolveRecipientPlace } from "../../messaging/policy/resolve-recipient-place.ts";

export type InvitationCheck = { ok: true } | { ok: false; reason: "country"; countries: string[] } | { ok: false; reason: "quiet-hours"; opensAt: Date };

/** The countries a business texts: the profile's list, else the countries of its own numbers (US when unknown). */
export function textingCountries(profile: Pick<TProfile, "phoneNumbers" | "webchat">): string[] {
  const listed = profile.webchat?.smsCountries;
  if (listed?.length) return listed;
  const own = profile.phoneNumbers.map((n) => parsePhoneNumberFromString(n)?.country).filter((c): c is NonNullable<typeof c> => Boolean(c));
  return own.length ? [...new Set(own)] : ["US"];
}

export function checkInvitationTarget(
  profile: Pick<TProfile, "phoneNumbers" | "webchat" | "timezone" | "compliance">,
  phone: string,
  now: Date,
): InvitationCheck {
  const countries = textingCountries(profile);
  const country = parsePhoneNumberFromString(phone)?.country;
  if (!country || !countries.includes(country)) return { ok: false, reason: "country", countries };
  const place = resolveRecipientPlace({ phone, businessZone: profile.timezone });
  const opensAt = nextAllowedMoment(now, place.zones, windowForStates(place.states, profile.compliance.quietHours));
  return opensAt.getTime() === now.getTime() ? { ok: true } : { ok: false, reason: "quiet-hours", opensAt };
}

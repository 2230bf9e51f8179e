// The {{variables}} a sequence step is filled with. Pure: facts in, strings out. Anything unknown
// reads naturally ("there", "your project") rather than leaving a hole in a text to a customer.
import { DateTime } from "luxon";
import type { TProfile } from "../config/profile-schema.ts";
import { plausibleName } from "../lib/plausible-name.ts";
import { formatSlotDay, formatSlotTime, plainSpaces } from "../scheduling/format-slot.ts";

export interface StepFacts {
  profile: TProfile;
  contactName: string | null;
  anchorAt: Date;
  context: { serviceKey?: string; service?: string; amountCents?: number | null } | null;
  lastJobDate: Date | null;
  reviewLink?: string | undefined;
}

export function stepVariables(f: StepFacts): Record<string, string> {
  const zone = f.profile.timezone;
  // a key, a name or an alias the form sent becomes the service's name; anything else is shown as written
  const said = (f.context?.serviceKey ?? f.context?.service)?.trim().toLowerCase();
  const known = said ? f.profile.services.find((s) => [s.key, s.name, ...s.aliases].some((w) => w.toLowerCase() === said)) : undefined;
  const service = known?.name ?? f.context?.service;
  const cents = f.context?.amountCents;
  return {
    business: f.profile.name,
    first_name: firstNameOf(f.contactName),
    service: service?.trim() || "your project",
    appointment_time: formatSlotTime(f.anchorAt, zone),
    appointment_day: formatSlotDay(f.anchorAt, zone),
    amount: typeof cents === "number" ? `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: cents % 100 ? 2 : 0 })}` : "the estimate",
    last_job_date: lastJobText(f.lastJobDate),
    review_link: f.reviewLink ?? "",
  };
}

/** "Ann" from "Ann Lee"; "there" when the name is missing or does not look like one (see plausibleName) */
export function firstNameOf(name: string | null | undefined): string {
  const first = plausibleName(name)?.split(" ")[0];
  return first && /^[\p{L}\p{M}'’-]+$/u.test(first) && /\p{L}/u.test(first) ? first : "there";
}

/** "March 2025" (a date-only value, read in UTC) */
export function lastJobText(date: Date | null): string {
  return date ? plainSpaces(DateTime.fromJSDate(date, { zone: "UTC" }).toFormat("LLLL yyyy")) : "a while back";
}

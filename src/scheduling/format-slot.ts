// A slot in the homeowner's words, in the business's zone: "Tue Dec 1, 10:00 AM" (and "10 AM" when
// a day is already said). English and GSM-7 only: ICU 72+ puts a narrow no-break space (U+202F)
// before AM/PM, and some formats a no-break space (U+00A0); either would turn an SMS into UCS-2
// (70 characters a segment instead of 160), so every output goes through plainSpaces.
import { DateTime } from "luxon";

const at = (when: Date, timezone: string) => DateTime.fromMillis(when.getTime(), { zone: timezone, locale: "en-US" });

/** "Tue Dec 1, 10:00 AM" */
export function formatSlot(when: Date, timezone: string): string {
  return plainSpaces(at(when, timezone).toFormat("ccc LLL d, h:mm a"));
}

/** "10 AM", "10:30 AM" */
export function formatSlotTime(when: Date, timezone: string): string {
  const t = at(when, timezone);
  return plainSpaces(t.toFormat(t.minute === 0 ? "h a" : "h:mm a"));
}

/** "Tue Dec 1" */
export function formatSlotDay(when: Date, timezone: string): string {
  return plainSpaces(at(when, timezone).toFormat("ccc LLL d"));
}

/** Every Unicode space (U+202F, U+00A0, U+2009, …) as a plain space. */
export function plainSpaces(s: string): string {
  return s.replace(/[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, " ");
}

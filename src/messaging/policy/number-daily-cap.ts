// The carrier's daily allowance per sending number: proactive texts past `cap` in the business's
// local day wait for the next local day (quiet hours apply again when they are released).
// Replies are never held by it.
import { DateTime } from "luxon";

/** The business's local day around `at`: its first instant and the next day's. */
export function localDayOf(at: Date, zone: string): { start: Date; next: Date } {
  const local = DateTime.fromJSDate(at, { zone });
  if (!local.isValid) throw new Error(`unknown time zone "${zone}"`);
  const start = local.startOf("day");
  // startOf("day") of the next day, not start + 24 h: DST days are 23 or 25 hours long
  return { start: start.toJSDate(), next: start.plus({ days: 1 }).startOf("day").toJSDate() };
}

/** undefined when one more proactive text may go today, else the moment it may (the next local day). */
export function holdForNumberCap(sentToday: number, cap: number, day: { next: Date }): Date | undefined {
  return sentToday < cap ? undefined : day.next;
}

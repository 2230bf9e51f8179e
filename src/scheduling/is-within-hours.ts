import { DateTime } from "luxon";

export type WeekHours = Partial<Record<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun", string[]>>;

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** True when `at` falls inside one of the day's "HH:MM-HH:MM" ranges, in the business's zone. */
export function isWithinHours(hours: WeekHours, timezone: string, at: Date): boolean {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  const ranges = hours[DAYS[local.weekday - 1]!] ?? [];
  const hhmm = local.toFormat("HH:mm");
  return ranges.some((r) => hhmm >= r.slice(0, 5) && hhmm < r.slice(6));
}

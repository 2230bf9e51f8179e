// Speed to lead over time, pure: the range cut into the business's own days (or ISO weeks, months,
// years for longer ranges), each period with its leads and their median and p90 first response,
// computed exactly as the overall figure is. Every period of the range is there, an empty one with
// 0 leads and null seconds, so a chart's gaps are real gaps.
import { DateTime } from "luxon";
import { summarizeLeads, type LeadTiming } from "./summarize-first-responses.ts";

export type SpeedBucket = "day" | "week" | "month" | "year";

export interface SpeedPoint {
  /** the period's first day in the business's zone (YYYY-MM-DD): the day, the ISO week's Monday, the 1st of the month, January 1st */
  period: string;
  leads: number;
  responded: number;
  medianFirstResponseSeconds: number | null;
  p90FirstResponseSeconds: number | null;
}

/** the longest range (in days, both ends included) each bucket serves; past the last, years */
const BUCKETS: readonly [SpeedBucket, number][] = [
  ["day", 62],
  ["week", 3 * 366],
  ["month", 30 * 366],
];

/** The bucket for a range of `days` days (both ends included): days up to 62, ISO weeks up to 3 years, then months, then years. */
export function speedBucketFor(days: number): SpeedBucket {
  return BUCKETS.find(([, most]) => days <= most)?.[0] ?? "year";
}

/**
 * The periods of a range: `from` and `to` are days in the business's zone (both included); each
 * period is named by its first day and starts at that day's midnight in the zone (luxon's calendar,
 * so a DST change never splits or merges a day). The first period may start before `from`.
 */
export function speedPeriods(range: { zone: string; from: string; to: string }): {
  bucket: SpeedBucket;
  periods: string[];
  starts: number[];
  lo: number;
  hi: number;
} {
  const from = DateTime.fromISO(range.from, { zone: range.zone }).startOf("day");
  const to = DateTime.fromISO(range.to, { zone: range.zone }).startOf("day");
  if (!from.isValid || !to.isValid) throw new Error(`not a day in ${range.zone}: ${range.from} / ${range.to}`);
  if (to < from) throw new Error(`to (${range.to}) is before from (${range.from})`);
  const bucket = speedBucketFor(Math.round(to.diff(from, "days").days) + 1);
  const end = to.plus({ days: 1 });
  const periods: string[] = [];
  const starts: number[] = [];
  for (let p = from.startOf(bucket); p < end; p = p.plus({ [bucket]: 1 })) {
    periods.push(p.toISODate()!);
    starts.push(p.toMillis());
  }
  return { bucket, periods, starts, lo: from.toMillis(), hi: end.toMillis() };
}

/** Every period of the range in order, with its figures where `figures` has some, else 0 leads. */
export function fillSpeedSeries(periods: readonly string[], figures: ReadonlyMap<string, Omit<SpeedPoint, "period">>): SpeedPoint[] {
  const none = { leads: 0, responded: 0, medianFirstResponseSeconds: null, p90FirstResponseSeconds: null };
  return periods.map((period) => ({ period, ...(figures.get(period) ?? none) }));
}

/** In memory, from the leads themselves (leads outside the range are left out): the reference the SQL in read-speed-to-lead.ts is held to. */
export function summarizeSpeedOverTime(
  leads: readonly Pick<LeadTiming, "createdAt" | "firstResponseAt">[],
  range: { zone: string; from: string; to: string },
): { bucket: SpeedBucket; series: SpeedPoint[] } {
  const { bucket, periods, starts, lo, hi } = speedPeriods(range);
  // a lead goes to the last period starting at or before it (binary search: luxon once per period, not per lead)
  const groups: Pick<LeadTiming, "createdAt" | "firstResponseAt">[][] = periods.map(() => []);
  for (const l of leads) {
    const ms = l.createdAt.getTime();
    if (ms < lo || ms >= hi) continue;
    let a = 0;
    let b = starts.length - 1;
    while (a < b) {
      const mid = (a + b + 1) >> 1;
      if (starts[mid]! <= ms) a = mid;
      else b = mid - 1;
    }
    groups[a]!.push(l);
  }
  const figures = new Map(
    periods.map((period, i) => {
      const { leads: n, responded, medianFirstResponseSeconds, p90FirstResponseSeconds } = summarizeLeads(period, groups[i]!);
      return [period, { leads: n, responded, medianFirstResponseSeconds, p90FirstResponseSeconds }] as const;
    }),
  );
  return { bucket, series: fillSpeedSeries(periods, figures) };
}

import { describe, expect, it } from "vitest";
import { speedBucketFor, speedPeriods, summarizeSpeedOverTime, type SpeedPoint } from "../../src/reports/summarize-speed-over-time.ts";

const NY = "America/New_York";
/** a lead created at `iso` (UTC), answered `seconds` later (null: never) */
const lead = (iso: string, seconds: number | null = 1) => {
  const createdAt = new Date(iso);
  return { createdAt, firstResponseAt: seconds === null ? null : new Date(createdAt.getTime() + seconds * 1000) };
};
const counts = (series: SpeedPoint[]) => Object.fromEntries(series.filter((p) => p.leads > 0).map((p) => [p.period, p.leads]));

describe("speedBucketFor (days in the range, both ends included)", () => {
  it.each<[number, string]>([
    [1, "day"],
    [31, "day"],
    [62, "day"],
    [63, "week"],
    [366, "week"],
    [3 * 366, "week"],
    [3 * 366 + 1, "month"],
    [30 * 366, "month"],
    [30 * 366 + 1, "year"],
  ])("%i days → %s", (days, bucket) => {
    expect(speedBucketFor(days)).toBe(bucket);
  });
});

describe("speedPeriods: each period starts at its first day's midnight in the zone (what the SQL files leads by)", () => {
  it.each<[string, { zone: string; from: string; to: string }, [string, string][]]>([
    [
      "days across DST's start",
      { zone: NY, from: "2026-03-07", to: "2026-03-09" },
      [
        ["2026-03-07", "2026-03-07T05:00:00.000Z"],
        ["2026-03-08", "2026-03-08T05:00:00.000Z"],
        ["2026-03-09", "2026-03-09T04:00:00.000Z"],
      ],
    ],
    [
      "ISO weeks across DST's end (the first one starts before from)",
      { zone: NY, from: "2026-10-28", to: "2026-12-30" },
      [
        ["2026-10-26", "2026-10-26T04:00:00.000Z"],
        ["2026-11-02", "2026-11-02T05:00:00.000Z"],
      ],
    ],
    [
      "months in a half-hour zone",
      { zone: "Asia/Kolkata", from: "2020-01-01", to: "2026-12-31" },
      [
        ["2020-01-01", "2019-12-31T18:30:00.000Z"],
        ["2020-02-01", "2020-01-31T18:30:00.000Z"],
      ],
    ],
  ])("%s", (_label, range, first) => {
    const { periods, starts } = speedPeriods(range);
    expect(periods.slice(0, first.length).map((p, i) => [p, new Date(starts[i]!).toISOString()])).toEqual(first);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });
});

describe("summarizeSpeedOverTime", () => {
  it.each<[string, { zone: string; from: string; to: string }, string, number, string, string]>([
    ["one day", { zone: NY, from: "2026-11-18", to: "2026-11-18" }, "day", 1, "2026-11-18", "2026-11-18"],
    ["30 days", { zone: NY, from: "2026-11-01", to: "2026-11-30" }, "day", 30, "2026-11-01", "2026-11-30"],
    ["62 days, across DST's end", { zone: NY, from: "2026-10-01", to: "2026-12-01" }, "day", 62, "2026-10-01", "2026-12-01"],
    // 2026-01-01 is a Thursday: the first ISO week starts on Monday 2025-12-29
    ["a quarter in ISO weeks", { zone: NY, from: "2026-01-01", to: "2026-03-31" }, "week", 14, "2025-12-29", "2026-03-30"],
    ["a year in ISO weeks", { zone: NY, from: "2025-12-01", to: "2026-11-30" }, "week", 53, "2025-12-01", "2026-11-30"],
    ["seven years in months", { zone: NY, from: "2020-01-15", to: "2026-12-31" }, "month", 84, "2020-01-01", "2026-12-01"],
    ["37 years in years", { zone: NY, from: "1990-01-01", to: "2026-06-30" }, "year", 37, "1990-01-01", "2026-01-01"],
  ])("%s: every period present, empty ones with 0 leads", (_label, range, bucket, n, first, last) => {
    const r = summarizeSpeedOverTime([], range);
    expect(r.bucket).toBe(bucket);
    expect(r.series).toHaveLength(n);
    expect(r.series[0]!.period).toBe(first);
    expect(r.series.at(-1)!.period).toBe(last);
    expect(new Set(r.series.map((p) => p.period)).size).toBe(n);
    expect(r.series.every((p) => p.leads === 0 && p.responded === 0 && p.medianFirstResponseSeconds === null && p.p90FirstResponseSeconds === null)).toBe(true);
  });

  it.each<[string, { zone: string; from: string; to: string }, string[], Record<string, number>]>([
    [
      "a late evening belongs to the business's day, not UTC's",
      { zone: NY, from: "2026-11-28", to: "2026-11-30" },
      ["2026-11-29T04:30:00Z", "2026-11-29T05:00:00Z", "2026-11-30T04:59:59Z"],
      { "2026-11-28": 1, "2026-11-29": 2 },
    ],
    [
      "DST starts (a 23-hour 8 March 2026)",
      { zone: NY, from: "2026-03-07", to: "2026-03-09" },
      ["2026-03-08T04:59:00Z", "2026-03-08T05:00:00Z", "2026-03-09T03:59:00Z", "2026-03-09T04:00:00Z"],
      { "2026-03-07": 1, "2026-03-08": 2, "2026-03-09": 1 },
    ],
    [
      "DST ends (a 25-hour 1 November 2026)",
      { zone: NY, from: "2026-10-31", to: "2026-11-02" },
      ["2026-11-01T03:59:00Z", "2026-11-01T04:00:00Z", "2026-11-01T06:30:00Z", "2026-11-02T04:59:00Z", "2026-11-02T05:00:00Z"],
      { "2026-10-31": 1, "2026-11-01": 3, "2026-11-02": 1 },
    ],
    [
      "ISO weeks run Monday to Sunday in the zone",
      { zone: NY, from: "2026-01-01", to: "2026-03-31" },
      // Sun 4 Jan 23:00 EST; Mon 5 Jan 00:30 EST; Sun 8 Mar 23:30 EDT (DST week)
      ["2026-01-05T04:00:00Z", "2026-01-05T05:30:00Z", "2026-03-09T03:30:00Z"],
      { "2025-12-29": 1, "2026-01-05": 1, "2026-03-02": 1 },
    ],
    [
      "a week across DST in London",
      { zone: "Europe/London", from: "2026-03-01", to: "2026-05-31" },
      // Sun 29 Mar 23:30 BST is still the week of 23 March; Mon 30 Mar 00:10 BST the next
      ["2026-03-29T22:30:00Z", "2026-03-29T23:10:00Z"],
      { "2026-03-23": 1, "2026-03-30": 1 },
    ],
    [
      "a half-hour zone",
      { zone: "Asia/Kolkata", from: "2026-06-01", to: "2026-06-02" },
      ["2026-05-31T18:29:00Z", "2026-05-31T18:30:00Z", "2026-06-01T18:29:59Z", "2026-06-01T18:30:00Z"],
      { "2026-06-01": 2, "2026-06-02": 1 },
    ],
    [
      "leads outside the range are left out (the day after `to` starts at its midnight)",
      { zone: NY, from: "2026-11-18", to: "2026-11-19" },
      ["2026-11-18T04:59:59Z", "2026-11-18T05:00:00Z", "2026-11-20T04:59:59Z", "2026-11-20T05:00:00Z"],
      { "2026-11-18": 1, "2026-11-19": 1 },
    ],
    [
      "months by the zone's calendar",
      { zone: NY, from: "2020-01-01", to: "2026-12-31" },
      ["2026-03-01T04:59:00Z", "2026-03-01T05:00:00Z", "2020-01-01T05:00:00Z"],
      { "2020-01-01": 1, "2026-02-01": 1, "2026-03-01": 1 },
    ],
  ])("%s", (_label, range, at, expected) => {
    const { series } = summarizeSpeedOverTime(
      at.map((iso) => lead(iso)),
      range,
    );
    expect(counts(series)).toEqual(expected);
  });

  it.each<[string, (number | null)[], Omit<SpeedPoint, "period">]>([
    ["nobody answered", [null, null], { leads: 2, responded: 0, medianFirstResponseSeconds: null, p90FirstResponseSeconds: null }],
    [
      "unanswered leads count as leads, not in the seconds",
      [10, null, 20],
      { leads: 3, responded: 2, medianFirstResponseSeconds: 10, p90FirstResponseSeconds: 20 },
    ],
    [
      "nearest rank over 1..10 s, unsorted",
      [7, 3, 10, 1, 5, 9, 2, 8, 4, 6],
      { leads: 10, responded: 10, medianFirstResponseSeconds: 5, p90FirstResponseSeconds: 9 },
    ],
    ["rounded to 0.1 s as the overall figure is", [12.345], { leads: 1, responded: 1, medianFirstResponseSeconds: 12.3, p90FirstResponseSeconds: 12.3 }],
    ["a reply stamped before the lead counts as 0", [-30], { leads: 1, responded: 1, medianFirstResponseSeconds: 0, p90FirstResponseSeconds: 0 }],
  ])("a period's figures: %s", (_label, seconds, expected) => {
    const { series } = summarizeSpeedOverTime(
      seconds.map((s, i) => lead(`2026-11-18T15:00:${String(i).padStart(2, "0")}Z`, s)),
      { zone: NY, from: "2026-11-17", to: "2026-11-19" },
    );
    expect(series).toEqual([
      { period: "2026-11-17", leads: 0, responded: 0, medianFirstResponseSeconds: null, p90FirstResponseSeconds: null },
      { period: "2026-11-18", ...expected },
      { period: "2026-11-19", leads: 0, responded: 0, medianFirstResponseSeconds: null, p90FirstResponseSeconds: null },
    ]);
  });

  it("each period summarises its own leads; together they are every lead of the range", () => {
    const leads = [
      lead("2026-11-02T15:00:00Z", 30),
      lead("2026-11-02T16:00:00Z", 90),
      lead("2026-11-02T17:00:00Z", null),
      lead("2026-11-10T15:00:00Z", 600),
      lead("2026-11-10T15:30:00Z", 60),
      lead("2026-11-24T15:00:00Z", 5),
    ];
    const { bucket, series } = summarizeSpeedOverTime(leads, { zone: NY, from: "2026-11-01", to: "2026-11-30" });
    expect(bucket).toBe("day");
    expect(series.reduce((n, p) => n + p.leads, 0)).toBe(leads.length);
    expect(series.filter((p) => p.leads > 0)).toEqual([
      { period: "2026-11-02", leads: 3, responded: 2, medianFirstResponseSeconds: 30, p90FirstResponseSeconds: 90 },
      { period: "2026-11-10", leads: 2, responded: 2, medianFirstResponseSeconds: 60, p90FirstResponseSeconds: 600 },
      { period: "2026-11-24", leads: 1, responded: 1, medianFirstResponseSeconds: 5, p90FirstResponseSeconds: 5 },
    ]);
  });

  it.each<[string, { zone: string; from: string; to: string }]>([
    ["to before from", { zone: NY, from: "2026-11-19", to: "2026-11-18" }],
    ["not a date", { zone: NY, from: "2026-13-01", to: "2026-11-18" }],
    ["not a zone", { zone: "Mars/Olympus", from: "2026-11-01", to: "2026-11-18" }],
  ])("refuses a range that is not one: %s", (_label, range) => {
    expect(() => summarizeSpeedOverTime([], range)).toThrow();
  });
});

import { describe, expect, it } from "vitest";
import { percentile, summarizeFirstResponses, type LeadTiming } from "../../src/reports/summarize-first-responses.ts";

const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe("percentile (nearest rank)", () => {
  it.each<[string, number[], number, number | null]>([
    ["empty", [], 50, null],
    ["empty p90", [], 90, null],
    ["one value p50", [42], 50, 42],
    ["one value p90", [42], 90, 42],
    ["one value p0", [42], 0, 42],
    ["1..10 p50", oneToTen, 50, 5],
    ["1..10 p90", oneToTen, 90, 9],
    ["1..10 p91", oneToTen, 91, 10],
    ["1..10 p100", oneToTen, 100, 10],
    ["1..10 p10", oneToTen, 10, 1],
    ["1..10 p11", oneToTen, 11, 2],
    ["1..10 p0", oneToTen, 0, 1],
    ["1..10 p70", oneToTen, 70, 7],
    ["two values p50 (lower)", [3, 8], 50, 3],
    ["two values p51", [3, 8], 51, 8],
    ["four values p75", [10, 20, 30, 40], 75, 30],
    ["1..20 p90", Array.from({ length: 20 }, (_, i) => i + 1), 90, 18],
  ])("%s", (_label, sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });
});

const T0 = new Date("2024-05-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const lead = (source: string, responseSeconds: number | null, stage = "new"): LeadTiming => ({
  source,
  createdAt: T0,
  firstResponseAt: responseSeconds === null ? null : at(responseSeconds),
  stage,
});

describe("summarizeFirstResponses", () => {
  it("empty input", () => {
    expect(summarizeFirstResponses([])).toEqual({
      overall: { source: "all", leads: 0, responded: 0, medianFirstResponseSeconds: null, p90FirstResponseSeconds: null, booked: 0, won: 0 },
      bySource: [],
    });
  });

  it.each<[string, LeadTiming[], string[]]>([
    ["by lead count, descending", [lead("a", 1), lead("b", 1), lead("b", 1), lead("c", 1), lead("c", 1), lead("c", 1)], ["c", "b", "a"]],
    ["ties broken by source name", [lead("yelp", 1), lead("google", 1), lead("angi", 1)], ["angi", "google", "yelp"]],
    ["count beats name", [lead("angi", 1), lead("zillow", 1), lead("zillow", 1)], ["zillow", "angi"]],
  ])("groups by source sorted %s", (_label, leads, order) => {
    const { bySource } = summarizeFirstResponses(leads);
    expect(bySource.map((s) => s.source)).toEqual(order);
    expect(bySource.reduce((n, s) => n + s.leads, 0)).toBe(leads.length);
  });

  it.each<[string, LeadTiming[], { leads: number; responded: number; median: number | null; p90: number | null; booked: number; won: number }]>([
    ["only responded leads count", [lead("s", 10), lead("s", null), lead("s", 20)], { leads: 3, responded: 2, median: 10, p90: 20, booked: 0, won: 0 }],
    ["nobody responded", [lead("s", null), lead("s", null)], { leads: 2, responded: 0, median: null, p90: null, booked: 0, won: 0 }],
    [
      "booked counts booked and won",
      [lead("s", 1, "booked"), lead("s", 1, "won"), lead("s", 1, "lost"), lead("s", 1, "new"), lead("s", 1, "won")],
      { leads: 5, responded: 5, median: 1, p90: 1, booked: 3, won: 2 },
    ],
    ["rounds to 0.1 s", [lead("s", 12.345)], { leads: 1, responded: 1, median: 12.3, p90: 12.3, booked: 0, won: 0 }],
    ["rounds half up to 0.1 s", [lead("s", 0.25), lead("s", 7.96)], { leads: 2, responded: 2, median: 0.3, p90: 8, booked: 0, won: 0 }],
    ["negative gap clamps to 0", [lead("s", -30)], { leads: 1, responded: 1, median: 0, p90: 0, booked: 0, won: 0 }],
    [
      "nearest-rank over 1..10 s, unsorted input",
      [7, 3, 10, 1, 5, 9, 2, 8, 4, 6].map((s) => lead("s", s)),
      { leads: 10, responded: 10, median: 5, p90: 9, booked: 0, won: 0 },
    ],
  ])("%s", (_label, leads, e) => {
    const expected = {
      leads: e.leads,
      responded: e.responded,
      medianFirstResponseSeconds: e.median,
      p90FirstResponseSeconds: e.p90,
      booked: e.booked,
      won: e.won,
    };
    const { overall, bySource } = summarizeFirstResponses(leads);
    expect(overall).toEqual({ source: "all", ...expected });
    expect(bySource).toEqual([{ source: "s", ...expected }]);
  });

  it("summarises each source separately and all together", () => {
    const leads = [
      lead("google-ads", 30, "booked"),
      lead("google-ads", 90, "won"),
      lead("google-ads", null, "new"),
      lead("yelp", 600, "lost"),
      lead("yelp", 60),
      lead("referral:angi.com", 5, "won"),
    ];
    const { overall, bySource } = summarizeFirstResponses(leads);
    expect(overall).toEqual({ source: "all", leads: 6, responded: 5, medianFirstResponseSeconds: 60, p90FirstResponseSeconds: 600, booked: 3, won: 2 });
    expect(bySource).toEqual([
      { source: "google-ads", leads: 3, responded: 2, medianFirstResponseSeconds: 30, p90FirstResponseSeconds: 90, booked: 2, won: 1 },
      { source: "yelp", leads: 2, responded: 2, medianFirstResponseSeconds: 60, p90FirstResponseSeconds: 600, booked: 0, won: 0 },
      { source: "referral:angi.com", leads: 1, responded: 1, medianFirstResponseSeconds: 5, p90FirstResponseSeconds: 5, booked: 1, won: 1 },
    ]);
  });

  it("uses createdAt per lead, not a shared clock", () => {
    const leads: LeadTiming[] = [
      { source: "s", createdAt: at(100), firstResponseAt: at(104), stage: "new" },
      { source: "s", createdAt: at(1000), firstResponseAt: at(1002), stage: "new" },
    ];
    expect(summarizeFirstResponses(leads).overall.medianFirstResponseSeconds).toBe(2);
    expect(summarizeFirstResponses(leads).overall.p90FirstResponseSeconds).toBe(4);
  });
});

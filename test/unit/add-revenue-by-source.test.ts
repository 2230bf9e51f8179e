import { describe, expect, it } from "vitest";
import { addRevenueBySource, type SourceRevenue } from "../../src/reports/add-revenue-by-source.ts";
import type { SourceSummary } from "../../src/reports/summarize-first-responses.ts";

const row = (source: string, leads: number): SourceSummary => ({
  source,
  leads,
  responded: leads,
  medianFirstResponseSeconds: 1,
  p90FirstResponseSeconds: 2,
  booked: 0,
  won: 0,
});

describe("addRevenueBySource", () => {
  it.each<[string, SourceSummary[], SourceRevenue[], [string, number, number][]]>([
    ["no money", [row("google-ads", 3)], [], [["google-ads", 3, 0]]],
    [
      "money on a source with leads",
      [row("google-ads", 3), row("yelp", 1)],
      [{ source: "yelp", cents: 45_050 }],
      [
        ["google-ads", 3, 0],
        ["yelp", 1, 45_050],
      ],
    ],
    [
      "one source twice adds up",
      [row("yelp", 1)],
      [
        { source: "yelp", cents: 100 },
        { source: "yelp", cents: 250 },
      ],
      [["yelp", 1, 350]],
    ],
    [
      "sources with money but no lead in the period come after, most money first",
      [row("google-ads", 3)],
      [
        { source: "unattributed", cents: 500 },
        { source: "angi", cents: 900 },
        { source: "bbb", cents: 900 },
      ],
      [
        ["google-ads", 3, 0],
        ["angi", 0, 900],
        ["bbb", 0, 900],
        ["unattributed", 0, 500],
      ],
    ],
    ["nothing at all", [], [], []],
  ])("%s", (_label, bySource, revenue, expected) => {
    const out = addRevenueBySource(bySource, revenue);
    expect(out.map((s) => [s.source, s.leads, s.revenueCents])).toEqual(expected);
    for (const s of out) expect(s.revenue).toBe(s.revenueCents / 100);
  });

  it("a money-only source has empty lead figures", () => {
    expect(addRevenueBySource([], [{ source: "angi", cents: 12_345 }])).toEqual([
      {
        source: "angi",
        leads: 0,
        responded: 0,
        medianFirstResponseSeconds: null,
        p90FirstResponseSeconds: null,
        booked: 0,
        won: 0,
        revenueCents: 12_345,
        revenue: 123.45,
      },
    ]);
  });
});

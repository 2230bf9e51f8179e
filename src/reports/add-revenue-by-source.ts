// Revenue beside leads, per source (pure). Money paid in the period counts for the source of the lead
// it is attributed to, even when that lead came earlier; such a source still gets its row.
import type { SourceSummary } from "./summarize-first-responses.ts";

export interface SourceRevenue {
  source: string;
  cents: number;
}

export type SourceSummaryWithRevenue = SourceSummary & { revenueCents: number; revenue: number };

const empty = (source: string): SourceSummary => ({
  source,
  leads: 0,
  responded: 0,
  medianFirstResponseSeconds: null,
  p90FirstResponseSeconds: null,
  booked: 0,
  won: 0,
});

/** Rows in the order given, then sources that only brought money (most money first). */
export function addRevenueBySource(bySource: readonly SourceSummary[], revenue: readonly SourceRevenue[]): SourceSummaryWithRevenue[] {
  const cents = new Map<string, number>();
  for (const r of revenue) cents.set(r.source, (cents.get(r.source) ?? 0) + r.cents);
  const known = new Set(bySource.map((s) => s.source));
  const moneyOnly = [...cents.entries()]
    .filter(([source]) => !known.has(source))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([source]) => empty(source));
  return [...bySource, ...moneyOnly].map((s) => {
    const c = cents.get(s.source) ?? 0;
    return { ...s, revenueCents: c, revenue: c / 100 };
  });
}

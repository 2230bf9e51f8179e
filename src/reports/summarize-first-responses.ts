// Speed to lead, pure: seconds from a lead's arrival to our first reply, as median and p90.
export interface LeadTiming {
  source: string;
  createdAt: Date;
  firstResponseAt: Date | null;
  stage: string;
}

export interface SourceSummary {
  source: string;
  leads: number;
  responded: number;
  medianFirstResponseSeconds: number | null;
  p90FirstResponseSeconds: number | null;
  booked: number;
  won: number;
}

/** Nearest-rank percentile of sorted values; null for none. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** seconds shown to 0.1 s (half up), as every speed-to-lead figure is */
export const roundSeconds = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);

/** most leads first, then by name */
export const sourceOrder = (a: SourceSummary, b: SourceSummary): number => b.leads - a.leads || a.source.localeCompare(b.source);

/** One group's figures (the overall row, a source's row, a period's point). */
export function summarizeLeads(source: string, leads: readonly (Pick<LeadTiming, "createdAt" | "firstResponseAt"> & { stage?: string })[]): SourceSummary {
  const secs = leads
    .filter((l) => l.firstResponseAt)
    .map((l) => Math.max(0, (l.firstResponseAt!.getTime() - l.createdAt.getTime()) / 1000))
    .sort((a, b) => a - b);
  return {
    source,
    leads: leads.length,
    responded: secs.length,
    medianFirstResponseSeconds: roundSeconds(percentile(secs, 50)),
    p90FirstResponseSeconds: roundSeconds(percentile(secs, 90)),
    booked: leads.filter((l) => l.stage === "booked" || l.stage === "won").length,
    won: leads.filter((l) => l.stage === "won").length,
  };
}

export function summarizeFirstResponses(leads: LeadTiming[]): { overall: SourceSummary; bySource: SourceSummary[] } {
  const groups = new Map<string, LeadTiming[]>();
  for (const l of leads) {
    const group = groups.get(l.source);
    if (group) group.push(l);
    else groups.set(l.source, [l]);
  }
  return {
    overall: summarizeLeads("all", leads),
    bySource: [...groups.entries()].map(([s, ls]) => summarizeLeads(s, ls)).sort(sourceOrder),
  };
}

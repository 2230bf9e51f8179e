// Yesterday in numbers for the morning digest. Pure: the poster gathers the rows, this counts them.
import { summarizeFirstResponses, type LeadTiming } from "../reports/summarize-first-responses.ts";

export interface DigestFacts {
  /** the business's local day, e.g. "Tue, Nov 17" */
  dayLabel: string;
  leads: LeadTiming[];
  missedCalls: number;
  /** missed calls whose text-back went out */
  recovered: number;
  /** visits booked that day */
  booked: number;
  /** invoice.paid amounts that day, in cents */
  revenueCents: number[];
  reviewsRequested: number;
  reviewsClicked: number;
}

export interface DigestSummary {
  dayLabel: string;
  leads: number;
  bySource: { source: string; leads: number }[];
  medianSpeedSeconds: number | null;
  missedCalls: number;
  recovered: number;
  booked: number;
  revenueCents: number;
  reviewsRequested: number;
  reviewsClicked: number;
}

export function summarizeDigest(f: DigestFacts): DigestSummary {
  const { overall, bySource } = summarizeFirstResponses(f.leads);
  return {
    dayLabel: f.dayLabel,
    leads: overall.leads,
    bySource: bySource.map((s) => ({ source: s.source, leads: s.leads })),
    medianSpeedSeconds: overall.medianFirstResponseSeconds,
    missedCalls: f.missedCalls,
    recovered: f.recovered,
    booked: f.booked,
    revenueCents: f.revenueCents.reduce((a, b) => a + b, 0),
    reviewsRequested: f.reviewsRequested,
    reviewsClicked: f.reviewsClicked,
  };
}

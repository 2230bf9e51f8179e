// Yesterday in numbers for the morning digest. Pure: the poster gathers the rows, this counts them.
import { summarizeFirstResponses, type LeadTiming } from "../reports/summarize-first-responses.ts";
import { escapeMrkdwn } from "./escape-mrkdwn.ts";
import type { SlackPost } from "./slack-api.ts";

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

export function formatSeconds(s: number | null): string {
  if (s === null) return "—";
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${Math.round((s / 3600) * 10) / 10} h`;
}

export function formatDollars(cents: number): string {
  return `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: cents % 100 ? 2 : 0, maximumFractionDigits: 2 })}`;
}

export function buildDigestPost(businessName: string, s: DigestSummary): SlackPost {
  const sources = s.bySource.length ? s.bySource.map((x) => `${escapeMrkdwn(x.source)} ${x.leads}`).join(", ") : "none";
  const lines = [
    `*Leads:* ${s.leads} (${sources})`,
    `*Median speed to lead:* ${formatSeconds(s.medianSpeedSeconds)}`,
    `*Missed calls recovered:* ${s.recovered} of ${s.missedCalls}`,
    `*Booked:* ${s.booked}`,
    `*Revenue:* ${formatDollars(s.revenueCents)}`,
    `*Reviews:* ${s.reviewsRequested} requested, ${s.reviewsClicked} clicked`,
  ];
  const title = `${escapeMrkdwn(businessName)} — yesterday (${escapeMrkdwn(s.dayLabel)})`;
  return {
    text: `${title}: ${s.leads} leads, ${s.booked} booked, ${formatDollars(s.revenueCents)} revenue`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: `:sunrise: ${businessName} — yesterday`.slice(0, 150), emoji: true } },
      { type: "context", elements: [{ type: "mrkdwn", text: escapeMrkdwn(s.dayLabel) }] },
      { type: "section", text: { type: "mrkdwn", text: lines.join("\n") } },
    ],
  };
}

// The morning digest as a Slack post: one line per figure, under the business's name and the day.
import { escapeMrkdwn } from "./escape-mrkdwn.ts";
import type { SlackPost } from "./slack-api.ts";
import type { DigestSummary } from "./summarize-digest.ts";

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

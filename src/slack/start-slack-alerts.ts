// Office alerts to Slack: every `alert.raised` (emergencies with @here, AI failures, sends whose
// outcome is unknown, late text-backs, leads waiting for a person) and every text that came back
// failed or undelivered, to the alerts channel (or the lead channel). Durable and in order like
// the mirror, once per alert (post-once.ts, key slack:alert:<id>).
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { isEvent, type DomainEvent } from "../events/domain-event.ts";
import { buildAlertPost, type AlertFacts } from "./build-alert-post.ts";
import { postOnce } from "./post-once.ts";
import type { SlackApi } from "./slack-api.ts";
import { subscribeForSlack } from "./subscribe-for-slack.ts";

const UNDELIVERED = new Set(["failed", "undelivered"]);

export function startSlackAlerts(ctx: Ctx, slack: SlackApi): Promise<() => Promise<void>> {
  return subscribeForSlack(ctx, { name: "slack-alerts", types: ["alert.raised", "message.status"], handle: (business, e) => relay(ctx, slack, business, e) });
}

async function relay(ctx: Ctx, slack: SlackApi, business: BusinessRef, e: DomainEvent): Promise<void> {
  let key: string;
  let facts: AlertFacts;
  if (isEvent(e, "alert.raised")) {
    key = `slack:alert:${e.payload.alertId}`;
    facts = { kind: e.payload.kind, message: e.payload.message, contact: await contactOf(ctx, business, e.payload.subject) };
  } else if (isEvent(e, "message.status") && UNDELIVERED.has(e.payload.status)) {
    key = `slack:undelivered:${e.payload.messageId}`;
    const m = await ctx.prisma.message.findFirst({
      where: { id: e.payload.messageId, businessId: business.id },
      select: { errorMessage: true, direction: true },
    });
    if (!m || m.direction !== "outbound") return;
    const why = [e.payload.errorCode && `error ${e.payload.errorCode}`, m.errorMessage].filter(Boolean).join(": ");
    facts = {
      kind: "undelivered",
      message: `A text was ${e.payload.status}${why ? ` (${why})` : ""}.`,
      contact: await contactOf(ctx, business, e.payload.conversationId),
    };
  } else return;
  const settings = business.profile.slack!;
  await postOnce(ctx, slack, { key, businessId: business.id, channel: settings.alertsChannel ?? settings.channel, post: buildAlertPost(facts) });
}

async function contactOf(ctx: Ctx, business: BusinessRef, conversationId: string | null): Promise<AlertFacts["contact"]> {
  if (!conversationId) return null;
  const c = await ctx.prisma.conversation.findFirst({
    where: { id: conversationId, businessId: business.id },
    select: { contact: { select: { name: true, phone: true } } },
  });
  return c?.contact ?? null;
}

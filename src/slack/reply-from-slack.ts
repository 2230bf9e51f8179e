// A dispatcher's reply in a lead's thread: the AI pauses for the conversation, then the text goes
// to the homeowner through the one door out (opt-out, quiet hours for proactive texts, GSM-7). The
// Message is tagged origin "slack", so the mirror does not post it into the thread a second time.
// `note:` replies stay in Slack.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { assignConversation } from "../inbox/assign-conversation.ts";
import { sendMessage } from "../messaging/send-message.ts";
import { classifySlackMessage } from "./classify-slack-message.ts";
import { ZStoredSlackMessage } from "./slack-payloads.ts";
import { slackToPlainText } from "./slack-to-plain-text.ts";

export type SlackReplyOutcome = "sent" | "note" | "ignored" | "no-thread" | "no-number";

export async function replyFromSlack(ctx: Ctx, business: BusinessRef, payload: unknown): Promise<SlackReplyOutcome> {
  const stored = ZStoredSlackMessage.parse(payload);
  const verdict = classifySlackMessage(stored.event, await ctx.slack?.botUserId());
  if (verdict.kind === "ignore") return "ignored";
  const conv = await ctx.prisma.conversation.findFirst({
    where: { businessId: business.id, slackChannel: verdict.channel, slackThreadTs: verdict.threadTs },
    include: { contact: { select: { phone: true } } },
  });
  if (!conv) return "no-thread";
  if (verdict.kind === "note") return "note";
  const name = (await ctx.slack?.userName(verdict.user)) ?? verdict.user;
  const webchat = conv.channel === "webchat";
  const from = conv.businessNumber ?? business.profile.phoneNumbers[0];
  if (!webchat && (!conv.contact.phone || !from)) {
    ctx.log.warn({ conversationId: conv.id }, "Slack reply not sent: no number to text");
    return "no-number";
  }
  // paused first: an agent turn starting now sees a person in charge and stays quiet
  await assignConversation(ctx, { businessId: business.id, conversationId: conv.id, handledBy: "human", by: `slack:${name}` });
  const lastInbound = await ctx.prisma.message.findFirst({
    where: { conversationId: conv.id, direction: "inbound" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { createdAt: true },
  });
  await sendMessage(ctx, {
    businessId: business.id,
    conversationId: conv.id,
    contactId: conv.contactId,
    channel: webchat ? "webchat" : "sms",
    to: conv.contact.phone ?? "",
    from: from ?? "",
    body: slackToPlainText(verdict.text),
    authorName: name,
    origin: "slack",
    purpose: "reply",
    kind: "person",
    replyToAt: lastInbound?.createdAt,
    // one text per Slack message, whatever retries happen
    dedupeKey: `slack-${verdict.channel}-${(stored.event as { ts: string }).ts}`,
    immediate: true,
  });
  return "sent";
}

// The agent's (or its template flow's) answer, through the one door out: a reply to the inbound
// that prompted the turn, on the conversation's channel, from the number the homeowner used.
import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import type { NewerInbound } from "../messaging/record-outbound.ts";
import { sendMessage, type QueuedMessage } from "../messaging/send-message.ts";

export interface ReplyTarget {
  business: BusinessRef;
  conversation: { id: string; channel: string; businessNumber: string | null; contactId: string };
  contact: { phone: string | null; name?: string | null; zip?: string | null };
  /** when the inbound being answered arrived */
  replyToAt: Date;
}

/** undefined: no number to reply from or to; null: `unlessNewerInbound` found a newer message (nothing written) */
export async function sendAgentReply(
  ctx: Ctx,
  t: ReplyTarget,
  r: { body: string; author: "ai" | "template" | "system"; purpose: string; dedupeKey?: string; unlessNewerInbound?: NewerInbound },
): Promise<QueuedMessage | undefined | null> {
  const webchat = t.conversation.channel === "webchat";
  const from = t.conversation.businessNumber ?? t.business.profile.phoneNumbers[0];
  if (!webchat && (!t.contact.phone || !from)) {
    ctx.log.warn({ businessId: t.business.id, conversationId: t.conversation.id }, "no number to reply from or to");
    return undefined;
  }
  return sendMessage(ctx, {
    businessId: t.business.id,
    conversationId: t.conversation.id,
    contactId: t.conversation.contactId,
    channel: webchat ? "webchat" : "sms",
    to: t.contact.phone ?? "",
    from: from ?? "",
    body: r.body,
    author: r.author,
    purpose: r.purpose,
    kind: "reply",
    replyToAt: t.replyToAt,
    ...(r.dedupeKey ? { dedupeKey: r.dedupeKey } : {}),
    ...(r.unlessNewerInbound ? { unlessNewerInbound: r.unlessNewerInbound } : {}),
    immediate: true,
    // a reply lost with Postgres before it was sent leaves its trigger unanswered: the turn runs again
    rewrittenIfLost: true,
  });
}

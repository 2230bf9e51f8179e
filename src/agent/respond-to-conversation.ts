// The seam the AI agent plugs into: "respond to this conversation". Until then (and whenever AI is
// off or failing) it is the template responder: the first inbound message of a conversation gets
// the profile's acknowledgement, once.
import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { sendMessage } from "../messaging/send-message.ts";
import { renderTemplate } from "./render-template.ts";

export interface RespondInput {
  business: BusinessRef;
  conversationId: string;
  /** what prompted this turn (for logs) */
  trigger: string;
  /** when the inbound being answered arrived (a reply within the window is never held by quiet hours) */
  replyToAt: Date;
}

export async function respondToConversation(ctx: Ctx, input: RespondInput): Promise<void> {
  const conv = await ctx.prisma.conversation.findFirst({
    where: { id: input.conversationId, businessId: input.business.id },
    include: { contact: true },
  });
  if (!conv || conv.handledBy === "human") return;
  const webchat = conv.channel === "webchat";
  if (!webchat && !conv.contact.phone) return;
  const from = conv.businessNumber ?? input.business.profile.phoneNumbers[0];
  if (!webchat && !from) {
    ctx.log.warn({ businessId: input.business.id, conversationId: conv.id }, "no business number to reply from");
    return;
  }
  const profile = input.business.profile;
  // dedupe key = once per conversation, however many messages or retries arrive
  const msg = await sendMessage(ctx, {
    businessId: input.business.id,
    conversationId: conv.id,
    contactId: conv.contactId,
    channel: webchat ? "webchat" : "sms",
    to: conv.contact.phone ?? "",
    from: from ?? "",
    body: renderTemplate(profile.templates.acknowledgement ?? ctx.templates.acknowledgement, { business: profile.name }),
    author: "template",
    purpose: "ack",
    kind: "reply",
    replyToAt: input.replyToAt,
    dedupeKey: `ack-${conv.id}`,
    immediate: true,
  });
  if (msg?.created) await ctx.prisma.conversation.update({ where: { id: conv.id }, data: { acknowledgedAt: ctx.clock.now() } });
}

// A reply typed in the console: like a dispatcher's Slack reply, a person takes the conversation
// (the AI stays quiet), then exactly the typed text goes out through the one door (opt-out, quiet
// hours for proactive texts, caps). An answer to a homeowner who wrote is a reply, not proactive.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { assignConversation } from "../inbox/assign-conversation.ts";
import { AppError } from "../lib/errors.ts";
import { sendMessage } from "../messaging/send-message.ts";

export interface ConsoleReplyOutcome {
  messageId: string;
  status: string;
  holdReason: string | null;
  sendAt: Date | null;
  tookOver: boolean;
}

export async function sendConsoleReply(
  ctx: Ctx,
  a: { business: BusinessRef; conversationId: string; text: string; actor: string; requestId: string },
): Promise<ConsoleReplyOutcome> {
  const conv = await ctx.prisma.conversation.findFirst({
    where: { id: a.conversationId, businessId: a.business.id },
    include: { contact: { select: { phone: true } } },
  });
  if (!conv) throw new AppError("not_found", `no conversation "${a.conversationId}"`);
  const webchat = conv.channel === "webchat";
  const from = conv.businessNumber ?? a.business.profile.phoneNumbers[0];
  if (!webchat && (!conv.contact.phone || !from)) throw new AppError("conflict", "no number to text this contact from or to");
  // paused first: an agent turn starting now sees a person in charge and stays quiet
  const tookOver = await assignConversation(ctx, { businessId: a.business.id, conversationId: conv.id, handledBy: "human", by: `console:${a.actor}` });
  const lastInbound = await ctx.prisma.message.findFirst({
    where: { conversationId: conv.id, direction: "inbound" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { createdAt: true },
  });
  const sent = await sendMessage(ctx, {
    businessId: a.business.id,
    conversationId: conv.id,
    contactId: conv.contactId,
    channel: webchat ? "webchat" : "sms",
    to: conv.contact.phone ?? "",
    from: from ?? "",
    body: a.text,
    authorName: a.actor,
    origin: "console",
    purpose: "reply",
    kind: "person",
    replyToAt: lastInbound?.createdAt,
    // one text per Send click, whatever the browser retries
    dedupeKey: `console-${a.requestId}`,
    immediate: true,
  });
  const row = await ctx.prisma.message.findUnique({ where: { id: sent.id }, select: { status: true, holdReason: true, sendAt: true } });
  return { messageId: sent.id, status: row?.status ?? sent.status, holdReason: row?.holdReason ?? null, sendAt: row?.sendAt ?? null, tookOver };
}

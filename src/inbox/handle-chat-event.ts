import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { ZAttribution } from "../attribution/attribution-schema.ts";
import { deriveSource } from "../attribution/derive-source.ts";
import { chatEventOf } from "../channels/webchat/chat-hub.ts";
import { isUniqueViolation } from "../db/is-unique-violation.ts";
import { respondToConversation } from "../agent/respond-to-conversation.ts";
import { captureTouch } from "./capture-touch.ts";
import type { StoredEvent } from "./process-inbound-event.ts";

const ZChatPayload = z.object({ sessionId: z.string(), clientId: z.string(), text: z.string() });

/** A visitor's chat message: into the conversation once, onto every open stream, then answered. */
export async function handleChatEvent(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  const p = ZChatPayload.parse(event.payload);
  const session = await ctx.prisma.chatSession.findFirst({ where: { id: p.sessionId, businessId: business.id } });
  if (!session) return; // session deleted since: nothing to attach to
  const providerId = `chat:${p.sessionId}:${p.clientId}`;
  let message;
  try {
    message = await ctx.prisma.message.create({
      data: {
        businessId: business.id,
        conversationId: session.conversationId,
        contactId: session.contactId,
        direction: "inbound",
        channel: "webchat",
        author: "contact",
        body: p.text,
        status: "received",
        providerId,
        createdAt: event.receivedAt,
      },
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    message = await ctx.prisma.message.findUniqueOrThrow({ where: { providerId } });
  }
  await ctx.prisma.conversation.update({ where: { id: session.conversationId }, data: { lastMessageAt: event.receivedAt, channel: "webchat" } });
  await ctx.prisma.chatSession.update({ where: { id: session.id }, data: { lastSeenAt: event.receivedAt } });
  await ctx.chat.publish(session.conversationId, chatEventOf(message)).catch(() => {});

  // The first message makes the visitor a lead, attributed to the page they chatted from.
  const hasLead = await ctx.prisma.lead.findFirst({ where: { businessId: business.id, contactId: session.contactId }, select: { id: true } });
  if (!hasLead) {
    const attribution = ZAttribution.safeParse(session.attribution ?? {});
    const a = attribution.success ? attribution.data : {};
    await captureTouch(ctx.prisma, {
      businessId: business.id,
      contactId: session.contactId,
      conversationId: session.conversationId,
      channel: "webchat",
      source: deriveSource({ attribution: a, fallback: "website-chat" }),
      attribution: a,
    });
  }
  await respondToConversation(ctx, { business, conversationId: session.conversationId, trigger: providerId });
}

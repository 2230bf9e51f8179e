// A visitor's chat message: into the conversation once (the one door in; open streams hear of it
// through the event stream), then answered.
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { ZAttribution } from "../../attribution/attribution-schema.ts";
import { deriveSource } from "../../attribution/derive-source.ts";
import { captureTouch } from "../../inbox/capture-touch.ts";
import { recordInboundMessage } from "../../inbox/record-inbound-message.ts";
import type { StoredEvent } from "../../inbox/stored-event.ts";

const ZChatPayload = z.object({ sessionId: z.string(), clientId: z.string(), text: z.string() });

export async function handleChatMessage(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  const p = ZChatPayload.parse(event.payload);
  const session = await ctx.prisma.chatSession.findFirst({ where: { id: p.sessionId, businessId: business.id } });
  if (!session) return; // session deleted since: nothing to attach to
  const providerId = `chat:${p.sessionId}:${p.clientId}`;
  await recordInboundMessage(ctx, {
    businessId: business.id,
    contact: { id: session.contactId },
    conversationId: session.conversationId,
    channel: "webchat",
    body: p.text,
    providerId,
    at: event.receivedAt,
    replyChannel: "webchat",
  });
  await ctx.prisma.chatSession.update({ where: { id: session.id }, data: { lastSeenAt: event.receivedAt } });

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
      at: event.receivedAt,
    });
  }
  // the answer comes from the agent, which hears of this message on the event stream
}

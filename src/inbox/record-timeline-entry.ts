import type { Ctx } from "../context.ts";
import { isUniqueViolation } from "../db/is-unique-violation.ts";

/** A voice event (missed call, voicemail) or a form lead as an inbound message in the conversation, once per id; false if it was already there. */
export async function recordTimelineEntry(
  ctx: Ctx,
  e: { businessId: string; conversationId: string; contactId: string; providerId: string; body: string; from: string; to: string; at: Date; media?: object[]; channel?: string },
): Promise<boolean> {
  try {
    await ctx.prisma.message.create({
      data: {
        businessId: e.businessId,
        conversationId: e.conversationId,
        contactId: e.contactId,
        direction: "inbound",
        channel: e.channel ?? "voice",
        author: "contact",
        body: e.body,
        media: e.media,
        status: "received",
        providerId: e.providerId,
        fromNumber: e.from,
        toNumber: e.to,
        createdAt: e.at,
      },
    });
    await ctx.prisma.conversation.update({ where: { id: e.conversationId }, data: { lastMessageAt: e.at } });
    return true;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return false;
  }
}

// "Text me instead", proof by reply: an inbound SMS from a number that chats are waiting on.
//  - STOP (any opt-out) cancels every invitation to that number;
//  - a text carrying a waiting chat's code joins that chat;
//  - "YES" joins the one chat waiting on the number, only if it is the number's first text since the
//    invitation and nothing else was sent to it in between (so it answers the invitation, not some
//    other question), and never when two chats wait on the same number (then only a code decides).
// Anything else is an ordinary message and proves nothing.
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { invitedAt, proofCodeMatches, readProofReply } from "./chat-phone-proof.ts";
import { joinChatToPhone } from "./join-chat-to-phone.ts";

export interface InvitationReply {
  phone: string;
  /** the number's contact and the inbound message as recorded */
  contactId: string;
  messageId: string;
  body: string;
  /** when the text arrived */
  at: Date;
  optOut: boolean;
}

/** The joined chat's conversation when this text proved a chat's number, else undefined. */
export async function answerChatInvitation(ctx: Ctx, business: BusinessRef, r: InvitationReply): Promise<{ conversationId: string } | undefined> {
  const reply = readProofReply(r.body);
  if (!r.optOut && !reply.yes && !reply.codes.length) return undefined; // most texts: no query at all
  if (r.optOut) {
    await ctx.prisma.chatSession.updateMany({
      where: { businessId: business.id, pendingPhone: r.phone, phoneVerifiedAt: null },
      data: { pendingPhone: null, proofCodeHash: null, proofExpiresAt: null },
    });
    return undefined;
  }
  const waiting = (
    await ctx.prisma.chatSession.findMany({
      where: { businessId: business.id, pendingPhone: r.phone, phoneVerifiedAt: null, proofCodeHash: { not: null }, proofExpiresAt: { gt: r.at } },
      orderBy: { createdAt: "desc" },
      take: 20,
    })
  ).filter((s) => invitedAt(s.proofExpiresAt!) <= r.at); // sent before this text arrived
  if (!waiting.length) return undefined;
  const byCode = waiting.filter((s) => reply.codes.some((c) => proofCodeMatches(s.id, c, s.proofCodeHash)));
  let chosen = byCode.length === 1 ? byCode[0] : undefined;
  if (!chosen && !byCode.length && reply.yes) {
    if (waiting.length > 1) {
      ctx.log.info({ businessId: business.id, waiting: waiting.length }, "a YES to several chat invitations at once proves none; the code decides");
      return undefined;
    }
    const only = waiting[0]!;
    const between = await ctx.prisma.message.count({
      where: {
        contactId: r.contactId,
        id: { not: r.messageId },
        createdAt: { gte: invitedAt(only.proofExpiresAt!), lte: r.at },
        OR: [{ purpose: null }, { purpose: { not: "chat-invite" } }],
      },
    });
    if (between === 0) chosen = only;
  }
  if (!chosen) return undefined;
  const joined = await joinChatToPhone(ctx, business, chosen.id, r.at);
  return joined.kind === "joined" ? { conversationId: joined.conversationId } : undefined;
}

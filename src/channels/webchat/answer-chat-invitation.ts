// "Text me instead", proof by reply: an inbound SMS from a number that chats are waiting on.
//  - STOP (any opt-out) cancels every invitation to that number;
//  - a text that is just a waiting chat's code joins that chat (proveChatPhone re-checks the
//    number and the code under the chat's lock, and joins against exactly those);
//  - anything else, "YES" included, is an ordinary message and proves nothing.
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { proofCodeMatches, readProofCode } from "./chat-phone-proof.ts";
import { proveChatPhone } from "./prove-chat-phone.ts";

export interface InvitationReply {
  phone: string;
  body: string;
  /** when the text arrived */
  at: Date;
  optOut: boolean;
}

/** The joined chat's conversation when this text proved a chat's number, else undefined. */
export async function answerChatInvitation(ctx: Ctx, business: BusinessRef, r: InvitationReply): Promise<{ conversationId: string } | undefined> {
  const code = r.optOut ? undefined : readProofCode(r.body);
  if (!r.optOut && !code) return undefined; // most texts: no query at all
  if (r.optOut) {
    await ctx.prisma.chatSession.updateMany({
      where: { businessId: business.id, pendingPhone: r.phone, phoneVerifiedAt: null },
      data: { pendingPhone: null, proofCodeHash: null, proofExpiresAt: null },
    });
    return undefined;
  }
  const waiting = await ctx.prisma.chatSession.findMany({
    where: { businessId: business.id, pendingPhone: r.phone, phoneVerifiedAt: null, proofCodeHash: { not: null }, proofExpiresAt: { gt: r.at } },
    select: { id: true, proofCodeHash: true },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  // the hash is bound to each session: at most one can match (this read only picks the candidate)
  const chosen = waiting.find((s) => proofCodeMatches(s.id, r.phone, code!, s.proofCodeHash));
  if (!chosen) return undefined;
  const proven = await proveChatPhone(ctx, business, chosen.id, { via: "sms", phone: r.phone, code: code!, at: r.at });
  return proven.kind === "joined" ? { conversationId: proven.conversationId } : undefined;
}

// "Text me instead", step two: the number's owner proved it (typed the code into the chat, or
// replied to the invitation). Only now are the chat and the number joined, in one transaction:
//  - the chat's contact merges into the number's contact (mergeContacts; an opt-out there stands,
//    and an opted-out number is never joined);
//  - the number's open thread folds into the chat's conversation, which survives, so the open
//    chat streams (subscribed to it) keep hearing it, now with the SMS side shown;
//  - the consent the visitor gave is recorded on the number's contact (basis webchat);
//  - replies go by SMS from the business number; the chat gets a system line saying so.
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import type { Prisma } from "../../db/open-database.ts";
import { renderTemplate } from "../../agent/render-template.ts";
import { lockAll, withAdvisoryLock } from "../../db/with-advisory-lock.ts";
import { withTransaction, type Tx } from "../../db/with-transaction.ts";
import { mergeContacts } from "../../inbox/merge-contacts.ts";
import { resolveContactTx } from "../../inbox/resolve-contact.ts";
import { sendMessage } from "../../messaging/send-message.ts";
import { phoneTail } from "./chat-phone-proof.ts";

export type JoinOutcome =
  | { kind: "joined"; conversationId: string; contactId: string; phone: string }
  /** the number opted out meanwhile: the invitation is cancelled, nothing joined */
  | { kind: "opted-out" }
  /** no proof pending (already joined, cancelled, locked or expired) */
  | { kind: "not-pending" };

type ConversationRow = Awaited<ReturnType<Prisma["conversation"]["findFirstOrThrow"]>>;

/** `at`: when the proof arrived (an SMS reply's receipt time, or now); it must be before the code expired. */
export async function joinChatToPhone(ctx: Ctx, business: BusinessRef, sessionId: string, at: Date): Promise<JoinOutcome> {
  const now = ctx.clock.now();
  const outcome = await withTransaction(
    ctx.prisma,
    async (tx): Promise<JoinOutcome> => {
      await withAdvisoryLock(tx, `chat-session:${sessionId}`);
      const s = await tx.chatSession.findFirst({ where: { id: sessionId, businessId: business.id } });
      if (!s?.pendingPhone || s.phoneVerifiedAt || !s.proofCodeHash || !s.proofExpiresAt || s.proofExpiresAt <= at) return { kind: "not-pending" };
      const phone = s.pendingPhone;
      const owner = await resolveContactTx(tx, { businessId: business.id, phone }, now);
      if (owner.optedOutAt) {
        await tx.chatSession.update({ where: { id: s.id }, data: { pendingPhone: null, proofCodeHash: null, proofExpiresAt: null } });
        return { kind: "opted-out" };
      }
      await lockAll(tx, [`contact:${s.contactId}`, `contact:${owner.id}`]);
      const chat = await tx.conversation.findUniqueOrThrow({ where: { id: s.conversationId } });
      if (chat.status === "open" && chat.contactId === s.contactId) {
        const theirs = await tx.conversation.findFirst({ where: { businessId: business.id, contactId: owner.id, status: "open" } });
        if (theirs && theirs.id !== chat.id) await foldConversation(tx, theirs, chat);
      }
      await mergeContacts(tx, business.id, s.contactId, owner.id);
      const joined = await tx.chatSession.findUniqueOrThrow({ where: { id: s.id } }); // the merge may have moved it
      const from = business.profile.phoneNumbers[0] ?? null; // the number the invitation came from
      await tx.conversation.update({ where: { id: joined.conversationId }, data: { channel: "sms", ...(from ? { businessNumber: from } : {}) } });
      if (s.pendingConsentText) {
        await tx.consent.create({
          data: { businessId: business.id, contactId: owner.id, scope: "transactional", basis: "webchat", wording: s.pendingConsentText, grantedAt: now },
        });
      }
      await tx.chatSession.update({
        where: { id: s.id },
        data: { phoneVerifiedAt: now, smsHandoffAt: now, proofCodeHash: null, proofExpiresAt: null, pendingConsentText: null },
      });
      // the number is claimed: other chats still waiting on it (someone else typed it too) are void
      await tx.chatSession.updateMany({
        where: { businessId: business.id, pendingPhone: phone, phoneVerifiedAt: null, id: { not: s.id } },
        data: { pendingPhone: null, proofCodeHash: null, proofExpiresAt: null },
      });
      return { kind: "joined", conversationId: joined.conversationId, contactId: owner.id, phone };
    },
    { retryUniqueViolation: true },
  );
  if (outcome.kind !== "joined") return outcome;
  ctx.log.info({ sessionId, conversationId: outcome.conversationId }, "chat joined to its proven phone number");
  await sendMessage(ctx, {
    businessId: business.id,
    conversationId: outcome.conversationId,
    contactId: outcome.contactId,
    channel: "webchat",
    to: "",
    from: "",
    body: renderTemplate(ctx.templates.chatJoined, { business: business.profile.name, phone: phoneTail(outcome.phone) }),
    author: "system",
    purpose: "chat-joined",
    kind: "reply",
    replyToAt: now,
    dedupeKey: `chat-joined-${sessionId}`,
    immediate: true,
  });
  return outcome;
}

/** The number's earlier thread continues inside the chat's conversation (the chat's id survives). */
async function foldConversation(tx: Tx, from: ConversationRow, into: ConversationRow): Promise<void> {
  const move = { where: { conversationId: from.id }, data: { conversationId: into.id } };
  await tx.message.updateMany(move);
  await tx.call.updateMany(move);
  await tx.lead.updateMany(move);
  await tx.chatSession.updateMany(move);
  await tx.conversation.update({ where: { id: from.id }, data: { status: "merged" } });
  const last = [from.lastMessageAt, into.lastMessageAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
  await tx.conversation.update({
    where: { id: into.id },
    data: {
      lastMessageAt: last ?? null,
      acknowledgedAt: into.acknowledgedAt ?? from.acknowledgedAt,
      // a person who took this homeowner over keeps them
      handledBy: from.handledBy === "human" || into.handledBy === "human" ? "human" : into.handledBy,
    },
  });
}

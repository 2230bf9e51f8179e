// "Text me instead", the join: called only from proveChatPhone, inside the transaction that holds
// the session's lock and compared the code, with the pending number and code hash it compared.
//  - the session is marked proven first, by a compare-and-swap on exactly those values, so a
//    number or code that changed since the comparison makes the whole join fail (and roll back);
//  - the number's open thread folds into the chat's conversation, which survives, so the open
//    chat streams (subscribed to it) keep hearing it, now with the SMS side shown;
//  - the chat's contact merges into the number's contact (an opt-out there stands: an opted-out
//    number is never joined);
//  - the consent the visitor gave is recorded on the number's contact (basis webchat);
//  - replies go by SMS from the business number; the chat gets a system line saying so.
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { renderTemplate } from "../../lib/render-template.ts";
import { lockAll } from "../../db/with-advisory-lock.ts";
import type { Tx } from "../../db/with-transaction.ts";
import { foldConversation } from "../../inbox/fold-conversation.ts";
import { mergeContacts } from "../../inbox/merge-contacts.ts";
import { resolveContactTx } from "../../inbox/resolve-contact.ts";
import { sendMessage } from "../../messaging/send-message.ts";
import { phoneTail } from "./chat-phone-proof.ts";

/** The session as read under its lock, and the pending number and code hash the proof was compared against. */
export interface CheckedProof {
  sessionId: string;
  contactId: string;
  conversationId: string;
  pendingConsentText: string | null;
  phone: string;
  codeHash: string;
}

export type JoinOutcome =
  | { kind: "joined"; conversationId: string; contactId: string; phone: string }
  /** the number opted out meanwhile: the invitation is cancelled, nothing joined */
  | { kind: "opted-out" };

export class ProofChanged extends Error {
  constructor() {
    super("the chat's pending number or code changed after it was compared");
    this.name = "ProofChanged";
  }
}

export async function joinChatToPhoneTx(tx: Tx, business: BusinessRef, p: CheckedProof, now: Date): Promise<JoinOutcome> {
  const owner = await resolveContactTx(tx, { businessId: business.id, phone: p.phone }, now);
  if (owner.optedOutAt) {
    await tx.chatSession.updateMany({
      where: { id: p.sessionId, pendingPhone: p.phone, proofCodeHash: p.codeHash },
      data: { pendingPhone: null, proofCodeHash: null, proofExpiresAt: null },
    });
    return { kind: "opted-out" };
  }
  // the compare-and-swap: proven only if what was compared is still what is pending
  const proven = await tx.chatSession.updateMany({
    where: { id: p.sessionId, businessId: business.id, pendingPhone: p.phone, proofCodeHash: p.codeHash, phoneVerifiedAt: null },
    data: { phoneVerifiedAt: now, smsHandoffAt: now, proofCodeHash: null, proofExpiresAt: null, pendingConsentText: null },
  });
  if (proven.count !== 1) throw new ProofChanged();

  await lockAll(tx, [`contact:${p.contactId}`, `contact:${owner.id}`]);
  const chat = await tx.conversation.findUniqueOrThrow({ where: { id: p.conversationId } });
  if (chat.status === "open" && chat.contactId === p.contactId) {
    const theirs = await tx.conversation.findFirst({ where: { businessId: business.id, contactId: owner.id, status: "open" } });
    // the number's earlier thread continues inside the chat's conversation (the chat's id survives)
    if (theirs && theirs.id !== chat.id) await foldConversation(tx, theirs, chat);
  }
  await mergeContacts(tx, business.id, p.contactId, owner.id);
  const joined = await tx.chatSession.findUniqueOrThrow({ where: { id: p.sessionId } }); // the merge may have moved it
  const from = business.profile.phoneNumbers[0] ?? null; // the number the invitation came from
  await tx.conversation.update({ where: { id: joined.conversationId }, data: { channel: "sms", ...(from ? { businessNumber: from } : {}) } });
  if (p.pendingConsentText) {
    await tx.consent.create({
      data: { businessId: business.id, contactId: owner.id, scope: "transactional", basis: "webchat", wording: p.pendingConsentText, grantedAt: now },
    });
  }
  // the number is claimed: other chats still waiting on it (someone else typed it too) are void
  await tx.chatSession.updateMany({
    where: { businessId: business.id, pendingPhone: p.phone, phoneVerifiedAt: null, id: { not: p.sessionId } },
    data: { pendingPhone: null, proofCodeHash: null, proofExpiresAt: null },
  });
  return { kind: "joined", conversationId: joined.conversationId, contactId: owner.id, phone: p.phone };
}

/** After the join committed: the chat is told it continues by text (once per session). */
export async function announceChatJoined(ctx: Ctx, business: BusinessRef, sessionId: string, j: { conversationId: string; contactId: string; phone: string }) {
  ctx.log.info({ sessionId, conversationId: j.conversationId }, "chat joined to its proven phone number");
  const now = ctx.clock.now();
  await sendMessage(ctx, {
    businessId: business.id,
    conversationId: j.conversationId,
    contactId: j.contactId,
    channel: "webchat",
    to: "",
    from: "",
    body: renderTemplate(ctx.templates.chatJoined, { business: business.profile.name, phone: phoneTail(j.phone) }),
    author: "system",
    purpose: "chat-joined",
    kind: "reply",
    replyToAt: now,
    dedupeKey: `chat-joined-${sessionId}`,
    immediate: true,
  });
}

// "Text me instead", step one: the visitor leaves a name and a mobile number with explicit consent.
// Nothing is joined yet: anyone can type any number. The number gets one fixed invitation (the
// business name and a code, no visitor-supplied words), recorded on that number's own contact; the
// chat stays its own contact until the number's owner proves it (join-chat-to-phone.ts).
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { renderTemplate } from "../../agent/render-template.ts";
import { withAdvisoryLock } from "../../db/with-advisory-lock.ts";
import { withTransaction } from "../../db/with-transaction.ts";
import { resolveContactTx } from "../../inbox/resolve-contact.ts";
import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/new-id.ts";
import { toE164 } from "../../lib/phone.ts";
import { sendMessage } from "../../messaging/send-message.ts";
import { PROOF_TTL_MS, hashProofCode, newProofCode, phoneTail } from "./chat-phone-proof.ts";

export const ZSmsHandoff = z.object({
  name: z.string().trim().min(1, "is required").max(100),
  phone: z.string().transform((v, c) => {
    const e164 = toE164(v);
    if (!e164) {
      c.addIssue({ code: "custom", message: "is not a valid mobile number" });
      return z.NEVER;
    }
    return e164;
  }),
  consent: z.literal(true, { error: "must be checked to receive texts" }),
  consentText: z.string().trim().min(10, "must be the wording shown").max(500),
});
export type TSmsHandoff = z.infer<typeof ZSmsHandoff>;

function optedOut(business: BusinessRef, from: string | undefined): AppError {
  return new AppError("conflict", `this number opted out of texts from ${business.profile.name}; text START to ${from ?? "our number"} to opt back in`);
}

/** Checked before anything is stored or sent (and again, under lock, in handOffChatToSms). */
export async function refuseOptedOutNumber(ctx: Ctx, business: BusinessRef, phone: string): Promise<void> {
  if (business.profile.phoneNumbers.includes(phone)) throw new AppError("bad_request", "phone: is our own number; please enter your mobile number");
  const known = await ctx.prisma.contact.findUnique({ where: { businessId_phone: { businessId: business.id, phone } }, select: { optedOutAt: true } });
  if (known?.optedOutAt) throw optedOut(business, business.profile.phoneNumbers[0]);
}

export interface HandoffStarted {
  status: "code-sent";
  /** the number as the chat shows it: "…1234" */
  phone: string;
  expiresAt: string;
}

export async function handOffChatToSms(ctx: Ctx, business: BusinessRef, session: { id: string }, input: TSmsHandoff): Promise<HandoffStarted> {
  const from = business.profile.phoneNumbers[0];
  if (!from) throw new AppError("conflict", "this business has no number to text from yet");
  const now = ctx.clock.now();
  const code = newProofCode();
  const expiresAt = new Date(now.getTime() + PROOF_TTL_MS);
  const invitation = await withTransaction(
    ctx.prisma,
    async (tx) => {
      await withAdvisoryLock(tx, `chat-session:${session.id}`);
      const s = await tx.chatSession.findUniqueOrThrow({ where: { id: session.id } });
      if (s.phoneVerifiedAt) throw new AppError("conflict", "this chat already continues by text");
      // The invitation belongs to the number's own contact (created if new) and its conversation:
      // nothing of the chat moves there, and nothing of that homeowner's history reaches the chat.
      const owner = await resolveContactTx(tx, { businessId: business.id, phone: input.phone }, now);
      if (owner.optedOutAt) return null;
      await withAdvisoryLock(tx, `contact:${owner.id}`);
      const conversation =
        (await tx.conversation.findFirst({ where: { businessId: business.id, contactId: owner.id, status: "open" } })) ??
        (await tx.conversation.create({ data: { businessId: business.id, contactId: owner.id, channel: "sms", businessNumber: from, createdAt: now } }));
      // the typed name describes the visitor: it stays on the chat's own contact until the proof
      await tx.contact.updateMany({ where: { id: s.contactId, name: null }, data: { name: input.name } });
      await tx.chatSession.update({
        where: { id: s.id },
        data: {
          pendingPhone: input.phone,
          proofCodeHash: hashProofCode(s.id, code),
          proofExpiresAt: expiresAt,
          proofAttempts: 0,
          pendingConsentText: input.consentText,
        },
      });
      return { contactId: owner.id, conversationId: conversation.id };
    },
    { retryUniqueViolation: true },
  );
  if (!invitation) throw optedOut(business, from);
  const msg = await sendMessage(ctx, {
    businessId: business.id,
    conversationId: invitation.conversationId,
    contactId: invitation.contactId,
    to: input.phone,
    from,
    body: renderTemplate(ctx.templates.chatPhoneInvitation, { business: business.profile.name, code }),
    author: "system",
    purpose: "chat-invite",
    // asked for a moment ago on the website; the limits per session, number and IP bound it
    kind: "reply",
    replyToAt: now,
    dedupeKey: `chat-invite-${session.id}-${newId()}`,
    immediate: true,
  });
  if (msg.status === "blocked") throw optedOut(business, from); // a STOP landed in between
  return { status: "code-sent", phone: phoneTail(input.phone), expiresAt: expiresAt.toISOString() };
}

// "Text me instead", step one: the visitor leaves a name and a mobile number with explicit consent.
// Nothing is joined yet: anyone can type any number. The number gets one fixed invitation (the
// business name and a code, no visitor-supplied words), recorded on that number's own contact; the
// chat stays its own contact until the number's owner proves it (prove-chat-phone.ts).
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { renderTemplate } from "../../lib/render-template.ts";
import { withAdvisoryLock } from "../../db/with-advisory-lock.ts";
import { withTransaction } from "../../db/with-transaction.ts";
import { findOrOpenConversationTx } from "../../inbox/find-or-open-conversation.ts";
import { resolveContactTx } from "../../inbox/resolve-contact.ts";
import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/new-id.ts";
import { plausibleName } from "../../lib/plausible-name.ts";
import { toE164 } from "../../lib/phone.ts";
import { sendMessage } from "../../messaging/send-message.ts";
import { PROOF_TTL_MS, hashProofCode, newProofCode, phoneTail } from "./chat-phone-proof.ts";
import { checkInvitationTarget } from "./check-invitation-target.ts";

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

/** Refused before anything is stored or sent: our own number, a country we don't text, a quiet hour there. */
export function refuseInvitationTarget(business: BusinessRef, phone: string, now: Date): void {
  if (business.profile.phoneNumbers.includes(phone)) throw new AppError("bad_request", "phone: is our own number; please enter your mobile number");
  const check = checkInvitationTarget(business.profile, phone, now);
  if (check.ok) return;
  if (check.reason === "country") throw new AppError("bad_request", `phone: we can only text numbers in ${check.countries.join(", ")}`);
  throw new AppError("conflict", "it is outside texting hours at that number; let's keep chatting here, or try again in the morning");
}

export interface HandoffStarted {
  status: "code-sent";
  /** the number as the chat shows it: "…1234" */
  phone: string;
  expiresAt: string;
  /** the same for every number (an opted-out one included, whose owner gets no text) */
  hint: string;
}

export async function handOffChatToSms(ctx: Ctx, business: BusinessRef, session: { id: string }, input: TSmsHandoff): Promise<HandoffStarted> {
  const from = business.profile.phoneNumbers[0];
  if (!from) throw new AppError("conflict", "this business has no number to text from yet");
  const now = ctx.clock.now();
  const code = newProofCode();
  const expiresAt = new Date(now.getTime() + PROOF_TTL_MS);
  // Every number gets the same treatment and the same answer: the session now waits on it with a
  // fresh code (the old number and code are void at once, under the session's lock, which the proof
  // takes too). Only a number that has not opted out is texted; its owner's history stays theirs.
  const invitation = await withTransaction(
    ctx.prisma,
    async (tx) => {
      await withAdvisoryLock(tx, `chat-session:${session.id}`);
      const s = await tx.chatSession.findUniqueOrThrow({ where: { id: session.id } });
      if (s.phoneVerifiedAt) throw new AppError("conflict", "this chat already continues by text");
      // the typed name describes the visitor: it stays on the chat's own contact until the proof
      // (only a plausible name: it reaches the agent's prompt, the Slack card and sequence texts)
      const name = plausibleName(input.name);
      if (name) await tx.contact.updateMany({ where: { id: s.contactId, name: null }, data: { name } });
      await tx.chatSession.update({
        where: { id: s.id },
        data: {
          pendingPhone: input.phone,
          proofCodeHash: hashProofCode(s.id, input.phone, code),
          proofExpiresAt: expiresAt,
          proofAttempts: 0,
          pendingConsentText: input.consentText,
        },
      });
      // The invitation belongs to the number's own contact (created if new) and its conversation:
      // nothing of the chat moves there, and nothing of that homeowner's history reaches the chat.
      const owner = await resolveContactTx(tx, { businessId: business.id, phone: input.phone }, now);
      if (owner.optedOutAt) return null;
      await withAdvisoryLock(tx, `contact:${owner.id}`);
      const conversation = await findOrOpenConversationTx(tx, { businessId: business.id, contactId: owner.id, businessNumber: from ?? null, at: now });
      return { contactId: owner.id, conversationId: conversation.id };
    },
    { retryUniqueViolation: true },
  );
  const started: HandoffStarted = {
    status: "code-sent",
    phone: phoneTail(input.phone),
    expiresAt: expiresAt.toISOString(),
    hint: `No text within a minute? If you ever replied STOP to ${from}, text START to it first, then ask again.`,
  };
  if (!invitation) return started; // opted out: no API call to that number, and no different answer
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
  if (msg.status === "blocked") ctx.log.info({ sessionId: session.id }, "chat invitation blocked by the send policy (a STOP landed in between)");
  return started;
}

// "Text me instead": the visitor leaves a name and mobile number with explicit consent; the same
// contact and conversation continue by SMS.
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { renderTemplate } from "../../agent/render-template.ts";
import { withAdvisoryLock } from "../../db/with-advisory-lock.ts";
import { withTransaction } from "../../db/with-transaction.ts";
import { mergeContacts } from "../../inbox/merge-contacts.ts";
import { resolveContactTx } from "../../inbox/resolve-contact.ts";
import { AppError } from "../../lib/errors.ts";
import { toE164 } from "../../lib/phone.ts";
import { sendMessage } from "../../messaging/send-message.ts";

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

export async function handOffChatToSms(
  ctx: Ctx,
  business: BusinessRef,
  session: { id: string; contactId: string; conversationId: string },
  input: TSmsHandoff,
): Promise<void> {
  const from = business.profile.phoneNumbers[0];
  if (!from) throw new AppError("conflict", "this business has no number to text from yet");
  const now = ctx.clock.now();
  const { contactId, conversationId, optedOut } = await withTransaction(ctx.prisma, async (tx) => {
    const contact = await resolveContactTx(tx, { businessId: business.id, phone: input.phone }, now);
    if (contact.id !== session.contactId) {
      // the number belongs to a homeowner we already know: one contact, one timeline
      await withAdvisoryLock(tx, `contact:${session.contactId}`);
      await mergeContacts(tx, business.id, session.contactId, contact.id);
    }
    const merged = await tx.contact.update({ where: { id: contact.id }, data: { name: contact.name ?? input.name } });
    const s = await tx.chatSession.update({ where: { id: session.id }, data: { smsHandoffAt: now } });
    await tx.conversation.update({ where: { id: s.conversationId }, data: { channel: "sms", businessNumber: from } });
    if (!merged.optedOutAt) {
      await tx.consent.create({
        data: { businessId: business.id, contactId: contact.id, scope: "transactional", basis: "webchat", wording: input.consentText, grantedAt: now },
      });
    }
    return { contactId: contact.id, conversationId: s.conversationId, optedOut: merged.optedOutAt !== null };
  });
  if (optedOut) throw new AppError("conflict", `this number opted out of texts; text START to ${from} to opt back in`);
  await sendMessage(ctx, {
    businessId: business.id,
    conversationId,
    contactId,
    to: input.phone,
    from,
    body: renderTemplate(ctx.templates.chatToSms, { business: business.profile.name, first_name: input.name.split(/\s+/)[0] ?? "" }),
    author: "system",
    purpose: "chat-to-sms",
    // the visitor asked for this text a moment ago, on this page
    kind: "reply",
    replyToAt: now,
    dedupeKey: `handoff-${session.id}-${input.phone}`,
    immediate: true,
  });
}

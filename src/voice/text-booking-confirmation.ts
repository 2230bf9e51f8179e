// A visit booked on a call is confirmed by text: the caller has it in writing, and a reply to it
// lands in the same conversation.
import type { Ctx } from "../context.ts";
import { sendMessage } from "../messaging/send-message.ts";
import type { VoiceSession } from "./open-voice-session.ts";

export function textBookingConfirmation(ctx: Ctx, sess: VoiceSession, booked: { appointmentId: string; when: string }): Promise<unknown> {
  const profile = sess.business.profile;
  return sendMessage(ctx, {
    businessId: sess.business.id,
    conversationId: sess.target.conversation.id,
    contactId: sess.target.conversation.contactId,
    to: sess.target.contact.phone ?? "",
    from: sess.target.conversation.businessNumber ?? profile.phoneNumbers[0] ?? "",
    body: `You're booked with ${profile.name} for ${booked.when}. Reply here if anything changes.`,
    author: "system",
    purpose: "booking-confirmation",
    kind: "reply",
    replyToAt: sess.target.replyToAt,
    dedupeKey: `voice-booked-${booked.appointmentId}`,
    immediate: true,
  });
}

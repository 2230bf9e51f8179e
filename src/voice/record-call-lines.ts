// The call's transcript in the conversation: each thing the caller said is an inbound `voice`
// message, and each reply as far as the caller heard it an outbound one (a record: nothing is sent).
import type { Ctx } from "../context.ts";
import { recordInboundMessage } from "../inbox/record-inbound-message.ts";
import { sendMessage } from "../messaging/send-message.ts";
import type { VoiceSession } from "./open-voice-session.ts";
import { utterancePrefix } from "./text-back-silent-call.ts";

/** Utterance `n`: what the caller said (or pressed), stamped when written. */
export function recordCallerWords(ctx: Ctx, sess: VoiceSession, n: number, text: string): Promise<unknown> {
  return recordInboundMessage(ctx, {
    businessId: sess.business.id,
    contact: { id: sess.target.conversation.contactId },
    conversationId: sess.target.conversation.id,
    channel: "voice",
    providerId: `${utterancePrefix(sess.callSid)}${n}`,
    body: text,
    from: sess.target.contact.phone ?? undefined,
    to: sess.target.conversation.businessNumber ?? undefined,
    at: ctx.clock.now(),
  });
}

/** Reply `n` as the caller heard it (cut where they interrupted). */
export function recordReplyHeard(ctx: Ctx, sess: VoiceSession, n: number, text: string): Promise<unknown> {
  return sendMessage(ctx, {
    businessId: sess.business.id,
    conversationId: sess.target.conversation.id,
    contactId: sess.target.conversation.contactId,
    channel: "voice",
    to: sess.target.contact.phone ?? "",
    from: sess.target.conversation.businessNumber ?? "",
    body: text,
    author: "ai",
    purpose: "voice-reply",
    kind: "reply",
    replyToAt: sess.target.replyToAt,
    dedupeKey: `voice-${sess.callSid}-${n}`,
  });
}

// A call the assistant gives up to a person (an emergency, the caller asking, the call's limit): the
// conversation goes to the office and the owner is told why, once per call. Written after the
// caller has heard the hand-off, never before it.
import type { Ctx } from "../context.ts";
import { raiseAlert } from "../alerts/raise-alert.ts";
import { assignConversation } from "../inbox/assign-conversation.ts";
import type { VoiceSession } from "./open-voice-session.ts";

export interface CallHandoff {
  /** who moved the conversation (the assignment's `by`) */
  by: "ai" | "emergency";
  /** the alert: emergency | voice-handoff */
  kind: "emergency" | "voice-handoff";
  message: string;
  payload: Record<string, unknown>;
}

export async function handCallToOffice(ctx: Ctx, sess: VoiceSession, h: CallHandoff): Promise<void> {
  const conversationId = sess.target.conversation.id;
  await assignConversation(ctx, { businessId: sess.business.id, conversationId, handledBy: "human", by: h.by });
  await raiseAlert(ctx, {
    businessId: sess.business.id,
    kind: h.kind,
    message: h.message,
    subject: conversationId,
    dedupeKey: `${h.kind}-${sess.callSid}`,
    payload: h.payload,
  });
}

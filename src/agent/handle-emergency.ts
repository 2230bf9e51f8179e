// Gas, CO, flooding, sparks, fire, no heat in the cold: the safety message first, then a person
// at once (the conversation is handed over and the office alerted). No booking flow.
import type { Ctx } from "../context.ts";
import { raiseAlert } from "../alerts/raise-alert.ts";
import { assignConversation } from "../inbox/assign-conversation.ts";
import { safetyMessage, type Emergency } from "./detect-emergency.ts";
import { sendAgentReply, type ReplyTarget } from "./send-agent-reply.ts";

export async function handleEmergency(ctx: Ctx, t: ReplyTarget, e: Emergency, triggerMessageId: string): Promise<{ replyMessageId?: string | undefined }> {
  const sent = await sendAgentReply(ctx, t, {
    body: safetyMessage(e, t.business.profile.name),
    author: "system",
    purpose: "emergency",
    dedupeKey: `emergency-${triggerMessageId}`,
  });
  await assignConversation(ctx, { businessId: t.business.id, conversationId: t.conversation.id, handledBy: "human", by: "emergency" });
  await raiseAlert(ctx, {
    businessId: t.business.id,
    kind: "emergency",
    message: `EMERGENCY (${e.kind}): "${e.phrase}". Safety message sent; call them now.`,
    subject: t.conversation.id,
    dedupeKey: `emergency-${triggerMessageId}`,
    payload: { kind: e.kind, phrase: e.phrase },
  });
  return { replyMessageId: sent?.id };
}

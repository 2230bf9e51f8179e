import { z } from "zod";
import { raiseAlert } from "../../alerts/raise-alert.ts";
import { assignConversation } from "../../inbox/assign-conversation.ts";
import { defineTool } from "./agent-tool.ts";

export const handoffToHuman = defineTool({
  name: "handoff_to_human",
  description:
    "Hand the conversation to a person at the business (they take over; you stop answering). Use for emergencies, complaints, anything you cannot answer from the facts, or when asked for a person.",
  schema: z.object({ reason: z.string().min(3).max(300) }).strict(),
  async run(ctx, scope, { reason }) {
    const moved = await assignConversation(ctx, { businessId: scope.business.id, conversationId: scope.conversationId, handledBy: "human", by: "ai" });
    // on a call the session's own alert says it (with the call's summary): one alert per hand-off
    if (!scope.onCall)
      await raiseAlert(ctx, {
        businessId: scope.business.id,
        kind: "handoff",
        message: `The assistant handed a conversation to the office: ${reason}`,
        subject: scope.conversationId,
        dedupeKey: `handoff-${scope.conversationId}-${scope.now.toISOString()}`,
      });
    return { ok: true, handedOff: moved };
  },
});

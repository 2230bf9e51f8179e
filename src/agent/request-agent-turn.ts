// Asks for a turn in a conversation. Quick texts are one burst: the job is delayed by the
// profile's debounce and each new message pushes it back; a message arriving during a turn is
// kept for one more turn right after (never two at once). Redis is the trigger only: the sweep
// finds inbound messages no turn has answered.
import type { Ctx } from "../context.ts";
import type { TurnHint } from "../jobs/job-defs.ts";

/** `hint`: the message asking, when the asker just stored it (see runAgentTurn) */
export async function requestAgentTurn(ctx: Ctx, conversationId: string, debounceMs: number, hint?: TurnHint): Promise<void> {
  await ctx.queues.enqueueAgentTurn(conversationId, debounceMs, hint);
}

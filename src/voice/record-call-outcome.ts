// The end of an AI-answered call, on the Call row: answered (the caller spoke) or silent (then the
// missed-call text-back goes, once), how it ended, its turns, tokens and seconds.
import type { Ctx } from "../context.ts";
import type { VoiceSession } from "./open-voice-session.ts";
import { textBackSilentCall } from "./text-back-silent-call.ts";

export async function recordCallOutcome(ctx: Ctx, s: VoiceSession, seconds: number): Promise<void> {
  if (s.utterances === 0) await textBackSilentCall(ctx, s.business, s.callSid);
  await ctx.prisma.call.update({
    where: { id: s.callId },
    data: {
      ...(s.utterances > 0 ? { status: "answered" } : {}),
      aiOutcome: s.utterances === 0 ? "silent" : (s.outcome ?? "hangup"),
      aiTurns: s.turns,
      aiPromptTokens: s.promptTokens,
      aiCompletionTokens: s.completionTokens,
      aiSeconds: seconds,
    },
  });
}

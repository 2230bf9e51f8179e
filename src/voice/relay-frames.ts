// ConversationRelay's WebSocket frames (Twilio docs, "WebSocket messages"), checked at the edge.
// In: setup, prompt, interrupt, dtmf, error. Out: text, end (play, sendDigits and language are
// not used by the agent).
import { z } from "zod";

const ZMs = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

export const ZRelayFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("setup"),
    sessionId: z.string().min(1),
    callSid: z.string().min(1),
    from: z.string().min(1),
    to: z.string().min(1),
    direction: z.string().optional(),
    customParameters: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ type: z.literal("prompt"), voicePrompt: z.string(), lang: z.string().optional(), last: z.boolean().default(true) }),
  z.object({ type: z.literal("interrupt"), utteranceUntilInterrupt: z.string().default(""), durationUntilInterruptMs: ZMs.optional() }),
  z.object({ type: z.literal("dtmf"), digit: z.string().min(1).max(1) }),
  z.object({ type: z.literal("error"), description: z.string().default("") }),
]);
export type TRelayFrame = z.infer<typeof ZRelayFrame>;
export type TRelaySetup = Extract<TRelayFrame, { type: "setup" }>;

/** Why the agent hands the caller over, carried in `end`'s handoffData (a JSON string) to relay-end (which dials a person unless `transfer` is false). */
export const ZHandoffData = z.object({
  transfer: z.boolean(),
  reason: z.string().max(100),
  summary: z.string().max(2000).optional(),
});
export type THandoffData = z.infer<typeof ZHandoffData>;

export type RelayOut = { type: "text"; token: string; last: boolean; interruptible?: boolean } | { type: "end"; handoffData: string };

/** Parses one frame, or says why it is not one. */
export function parseRelayFrame(raw: string): { frame: TRelayFrame } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { error: "not JSON" };
  }
  const r = ZRelayFrame.safeParse(json);
  if (!r.success) return { error: r.error.issues.map((i) => `${i.path.join(".") || "frame"}: ${i.message}`).join("; ") };
  return { frame: r.data };
}

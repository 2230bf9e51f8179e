// What the office is told when the voice assistant hands a caller over: why, who, and the caller's
// last few words.
import { toE164 } from "../lib/phone.ts";
import type { VoiceSession } from "./open-voice-session.ts";

export function summarizeCall(s: Pick<VoiceSession, "transcript" | "target">, reason: string): string {
  const said = s.transcript
    .filter((m) => m.role === "user")
    .map((m) => String(m.content))
    .slice(-3)
    .map((x) => `"${x.slice(0, 200)}"`);
  const who = toE164(s.target.contact.phone ?? "") ?? s.target.contact.phone ?? "unknown";
  return `${reason}. Caller ${who}${said.length ? ` said: ${said.join(" / ")}` : " said nothing yet"}.`;
}

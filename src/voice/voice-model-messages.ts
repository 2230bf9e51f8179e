// What the model reads on a call's turn: the business's prompt, what we know of the caller (told
// that this is a spoken call), their earlier texts, and the call so far. Nothing here reads the
// database: the prompt and facts were loaded at setup (the facts again after a turn whose tools
// changed them), so the model is called as soon as the caller stops speaking.
import { describeFacts } from "../agent/build-model-messages.ts";
import type { LlmMessage } from "../agent/llm/llm-provider.ts";
import type { VoiceSession } from "./open-voice-session.ts";

const VOICE_CHANNEL =
  "a live phone call: you are SPEAKING, and your words are read aloud. Use one to three short sentences, no lists, links, emoji or symbols. " +
  'Say times as people say them ("Tuesday at 2:30 PM"), never as dates in digits. To hand the caller to a person, call handoff_to_human';

/** `system`: the business's rendered prompt */
export function buildVoiceMessages(sess: VoiceSession, system: string): LlmMessage[] {
  const contact = { name: sess.target.contact.name ?? null, zip: sess.target.contact.zip ?? null };
  return [
    { role: "system", content: system },
    { role: "system", content: describeFacts(sess.target, sess.facts, contact, { channel: VOICE_CHANNEL, olderHidden: false }) },
    ...sess.history,
    ...sess.transcript,
  ];
}

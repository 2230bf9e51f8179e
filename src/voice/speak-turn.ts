// One spoken turn: the same model, tools and reply guard as a text turn, streamed. Each sentence is
// checked by the guard the moment it is complete and only then said; the first that fails stops
// the stream and the model gets one repair (it is told what was already said); a second failure
// says the safe fallback and hands the caller to a person. A tool that takes longer than
// `fillerAfterMs` gets a short filler line so the caller does not hear silence.
import type { Ctx } from "../context.ts";
import { loadConversationFacts, type ConversationFacts } from "../agent/build-model-messages.ts";
import { guardReply } from "../agent/guard-reply.ts";
import { businessFacts, servicesMentioned, type GuardFacts } from "../agent/guard/guard-facts.ts";
import { LlmError, type LlmMessage, type LlmProvider, type LlmResult } from "../agent/llm/llm-provider.ts";
import type { ReplyTarget } from "../agent/send-agent-reply.ts";
import type { ToolScope } from "../agent/tools/agent-tool.ts";
import { runToolCall, type ReadyTool } from "../agent/tools/agent-tools.ts";
import { takeSentences } from "./take-sentences.ts";

export const FILLER = "One moment, let me check the schedule.";

export interface SpeakTurnInput {
  llm: LlmProvider;
  target: ReplyTarget;
  scope: ToolScope;
  model: string;
  temperature: number;
  maxToolSteps: number;
  maxSentenceChars: number;
  tools: ReadyTool[];
  messages: LlmMessage[];
  facts: ConversationFacts;
  /** what the caller said this turn (the guard's "last inbound") */
  utterance: string;
  /** said when the model cannot produce a sentence that passes */
  fallback: string;
  fillerAfterMs: number;
  /** sends one sentence to Twilio */
  say: (sentence: string) => void;
  /** the caller interrupted or hung up */
  signal: AbortSignal;
}

export interface SpokenTurn {
  spoken: string[];
  handoff?: string | undefined;
  booked: { appointmentId: string; when: string }[];
  promptTokens: number;
  completionTokens: number;
  toolCalls: { name: string; arguments: string; result: unknown }[];
  guard: { sentence: string; ok: boolean; problems: string[] }[];
  model: string;
  /** the conversation's facts after the turn (read again only when its tools ran) */
  facts: ConversationFacts;
}

export async function speakTurn(ctx: Ctx, i: SpeakTurnInput): Promise<SpokenTurn> {
  const profile = i.target.business.profile;
  const out: SpokenTurn = { spoken: [], booked: [], promptTokens: 0, completionTokens: 0, toolCalls: [], guard: [], model: i.model, facts: i.facts };
  const messages = [...i.messages];
  let facts = i.facts;
  const discussed = new Set<string>();
  for (const key of servicesMentioned(profile, i.utterance)) discussed.add(key);
  const guardFacts = (): GuardFacts => {
    const lead = facts.leadAnswers.service;
    return {
      ...businessFacts(profile),
      discussedServiceKeys: [...discussed, ...(typeof lead === "string" ? [lead] : [])],
      offeredSlots: facts.offeredSlots,
      bookedSlots: facts.bookedSlots,
      now: i.scope.now,
      maxChars: i.maxSentenceChars,
      // the greeting said who is speaking
      firstAiMessage: false,
      lastInbound: i.utterance,
    };
  };
  const say = (s: string) => {
    if (i.signal.aborted) return;
    out.spoken.push(s);
    i.say(s);
  };

  let repaired = false;
  for (let step = 0; step <= i.maxToolSteps + 1; step++) {
    if (i.signal.aborted) return out;
    const stepStop = new AbortController();
    const stopStep = () => stepStop.abort();
    i.signal.addEventListener("abort", stopStep, { once: true });
    let buffer = "";
    let saidThisStep = "";
    let blocked: { sentence: string; problems: string[] } | undefined;
    const release = (sentence: string) => {
      if (blocked || stepStop.signal.aborted) return;
      const v = guardReply(sentence, guardFacts());
      out.guard.push({ sentence, ok: v.ok, problems: v.problems });
      if (!v.ok) {
        blocked = { sentence, problems: v.problems };
        stepStop.abort(); // nothing after a failing sentence is said
        return;
      }
      saidThisStep += (saidThisStep ? " " : "") + v.reply;
      say(v.reply);
    };
    const onText = (delta: string) => {
      if (blocked || stepStop.signal.aborted) return;
      const r = takeSentences(buffer + delta, false);
      buffer = r.rest;
      for (const s of r.sentences) release(s);
    };
    let res: LlmResult | undefined;
    try {
      const req = { model: i.model, messages, tools: i.tools.map((x) => x.llm), temperature: i.temperature };
      let heard = false;
      const onPiece = (d: string) => {
        heard = true;
        onText(d);
      };
      try {
        if (!i.llm.stream) throw new LlmError("no streaming", "malformed");
        res = await i.llm.stream(req, onPiece, stepStop.signal);
      } catch (e) {
        // a server that answers a streamed request with one plain completion (some compatible
        // servers and fakes do): ask again without streaming, the reply then said sentence by sentence
        if (!(e instanceof LlmError) || e.kind !== "malformed" || heard || stepStop.signal.aborted) throw e;
        res = await i.llm.complete(req);
        onText(res.content ?? "");
      }
    } catch (e) {
      if (!(stepStop.signal.aborted && (blocked || i.signal.aborted))) throw e;
    } finally {
      i.signal.removeEventListener("abort", stopStep);
    }
    if (i.signal.aborted) return out;
    if (res) {
      out.promptTokens += res.usage.promptTokens;
      out.completionTokens += res.usage.completionTokens;
      out.model = res.model;
    }
    if (!blocked) for (const s of takeSentences(buffer, true).sentences) release(s);
    if (blocked) {
      if (repaired) {
        say(i.fallback);
        out.handoff = "the assistant could not say a reply that passes the checks";
        return out;
      }
      repaired = true;
      messages.push({ role: "assistant", content: `${saidThisStep} ${blocked.sentence}`.trim() });
      messages.push({
        role: "system",
        content: `Only this was said aloud: "${saidThisStep}". The sentence "${blocked.sentence}" was NOT said: ${blocked.problems.join("; ")}. Say the corrected rest of your reply to the caller (plain spoken sentences, nothing else).`,
      });
      continue;
    }
    if (res && res.toolCalls.length && step < i.maxToolSteps) {
      messages.push({
        role: "assistant",
        content: saidThisStep || null,
        tool_calls: res.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
      });
      for (const call of res.toolCalls) {
        // a slow tool: a filler line, once a turn, so the caller hears that we are on it
        const filler = setTimeout(() => {
          if (!out.spoken.includes(FILLER)) say(FILLER);
        }, i.fillerAfterMs);
        let result: Record<string, unknown>;
        try {
          result = await runToolCall(ctx, i.scope, i.tools, call);
        } finally {
          clearTimeout(filler);
        }
        out.toolCalls.push({ name: call.name, arguments: call.arguments, result });
        if (call.name === "handoff_to_human" && result.ok)
          out.handoff = typeof safeArg(call.arguments, "reason") === "string" ? String(safeArg(call.arguments, "reason")) : "handed off";
        if (call.name === "book_appointment" && result.booked === true && typeof result.appointmentId === "string")
          out.booked.push({ appointmentId: result.appointmentId, when: String(result.when ?? "") });
        const service = safeArg(call.arguments, "service");
        if (typeof service === "string") discussed.add(service);
        messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
      }
      // tools may have offered or booked times: the guard checks against what is true now
      facts = { ...(await loadConversationFacts(ctx, i.target, i.scope.now, i.utterance)), firstAiMessage: false };
      out.facts = facts;
      continue;
    }
    break;
  }
  if (out.spoken.length === 0 && !i.signal.aborted) {
    say(i.fallback);
    out.handoff ??= "the assistant had nothing to say";
  }
  return out;
}

function safeArg(args: string, key: string): unknown {
  try {
    return (JSON.parse(args) as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

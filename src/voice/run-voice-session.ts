// One ConversationRelay call: `setup` binds it to the business (the number called), the caller's
// contact and their open conversation (the one their texts use); each final `prompt` is a spoken
// turn; `interrupt` stops the reply and keeps only what the caller heard; `dtmf` is offered to the
// agent; `end` hands the caller to a person (relay-end dials them). Every utterance and every
// reply heard is a `voice` message in the conversation. The socket closing ends it all cleanly.
import type { WebSocket } from "ws";
import type { Ctx } from "../context.ts";
import { detectEmergency, safetyMessage } from "../agent/detect-emergency.ts";
import { renderTemplate } from "../lib/render-template.ts";
import { wallMs } from "../lib/clock.ts";
import { asksForPerson } from "./asks-for-person.ts";
import { parseRelayFrame, type RelayOut, type THandoffData, type TRelayFrame, type TRelaySetup } from "./relay-frames.ts";
import { openVoiceSession, type VoiceSession } from "./open-voice-session.ts";
import { recordCallOutcome } from "./record-call-outcome.ts";
import { speakTurn } from "./speak-turn.ts";
import { summarizeCall } from "./summarize-call.ts";
import { handCallToOffice } from "./hand-call-to-office.ts";
import { recordCallerWords, recordReplyHeard } from "./record-call-lines.ts";
import { textBookingConfirmation } from "./text-booking-confirmation.ts";
import { buildVoiceMessages } from "./voice-model-messages.ts";

export interface VoiceSessionOptions {
  /** a tool running longer than this gets a filler line (default 700 ms) */
  fillerAfterMs?: number;
  /** the longest call (default the profile's voice.maxCallMinutes; tests shorten it) */
  maxCallMs?: number;
  /** calls on the line in this process, by CallSid (relay-end asks whether one is still live) */
  live: Map<string, unknown>;
}

interface Turn {
  n: number;
  stop: AbortController;
  done: Promise<void>;
  /** what the caller heard of the reply (an interrupt cuts it) */
  heard?: string | undefined;
  /** recording the utterance waits for the reply's first words: the model is called first */
  record?: (() => void) | undefined;
}

export function runVoiceSession(ctx: Ctx, ws: WebSocket, o: VoiceSessionOptions): void {
  const started = wallMs();
  let s: VoiceSession | undefined;
  let setupDone: Promise<void> | undefined;
  let partial = "";
  let turn: Turn | undefined;
  /** the last reply, recorded once the caller has had the chance to cut it short */
  let pendingReply: { n: number; text: string } | undefined;
  let writes: Promise<unknown> = Promise.resolve();
  let ended = false;
  let maxTimer: NodeJS.Timeout | undefined;

  const send = (f: RelayOut) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(f));
  };
  /** database writes in order, never holding up what the caller hears */
  const write = (what: string, fn: () => Promise<unknown>): void => {
    writes = writes.then(fn).catch((e: Error) => ctx.log.error({ err: e.message, what, callSid: s?.callSid }, "voice call write failed"));
  };

  ws.on("message", (data) => {
    const parsed = parseRelayFrame(String(data));
    if ("error" in parsed) {
      ctx.log.warn({ reason: parsed.error }, "relay frame ignored");
      return;
    }
    const f = parsed.frame;
    if (f.type === "setup") {
      setupDone ??= setup(f).catch((e: Error) => {
        ctx.log.error({ err: e.message }, "relay setup failed");
        ws.close(1011, "setup failed");
      });
      return;
    }
    if (!setupDone) return;
    void setupDone.then(() => onFrame(f));
  });
  ws.on("close", () => {
    void finish();
  });
  ws.on("error", (e) => ctx.log.warn({ err: e.message }, "relay socket error"));

  async function setup(f: TRelaySetup): Promise<void> {
    const opened = await openVoiceSession(ctx, f);
    if (!opened) {
      ws.close(1008, "unknown number");
      return;
    }
    s = opened;
    o.live.set(f.callSid, true);
    maxTimer = setTimeout(() => void wrapUp(), o.maxCallMs ?? opened.business.profile.voice.maxCallMinutes * 60_000);
    maxTimer.unref();
  }

  async function onFrame(f: Exclude<TRelayFrame, TRelaySetup>): Promise<void> {
    if (!s || ended) return;
    if (f.type === "prompt") {
      partial += (partial ? " " : "") + f.voicePrompt.trim();
      if (!f.last) return;
      const text = partial.trim();
      partial = "";
      if (text) await startTurn(text, text);
    } else if (f.type === "dtmf") {
      await startTurn(`(pressed ${f.digit} on the keypad)`, `Pressed ${f.digit}`, f.digit);
    } else if (f.type === "interrupt") {
      const heard = f.utteranceUntilInterrupt.trim();
      if (turn) {
        turn.heard = heard;
        turn.stop.abort();
      } else if (pendingReply) {
        pendingReply.text = heard;
        const last = s.transcript.at(-1);
        if (last?.role === "assistant") {
          // nothing heard: as if the reply had not been given
          if (heard) last.content = heard;
          else s.transcript.pop();
        }
      }
    } else if (f.type === "error") {
      ctx.log.warn({ description: f.description, callSid: s.callSid }, "ConversationRelay reported an error");
    }
  }

  async function startTurn(modelText: string, recordText: string, digit?: string): Promise<void> {
    const sess = s!;
    // the caller spoke over a reply still being written: it stops where it is
    if (turn) {
      turn.stop.abort();
      await turn.done;
    }
    if (ended) return;
    flushReply();
    const n = ++sess.utterances;
    sess.target.replyToAt = ctx.clock.now();
    // stamped when written, after the reply before it: the transcript keeps the call's order
    const record = () => write("utterance", () => recordCallerWords(ctx, sess, n, recordText));
    sess.transcript.push({ role: "user", content: modelText });
    const stop = new AbortController();
    const t: Turn = { n, stop, done: Promise.resolve(), record };
    turn = t;
    t.done = runTurn(t, modelText, digit)
      .catch((e: Error) => {
        ctx.log.error({ err: e.message, callSid: sess.callSid }, "voice turn failed");
        sayLine(t, "Sorry, I'm having trouble on my end. Let me get you to someone from the office.");
        closeTurn(t);
        endCall("the assistant failed");
      })
      .finally(() => {
        if (turn === t) turn = undefined;
      });
  }

  function sayLine(t: Turn, line: string): void {
    if (t.stop.signal.aborted) return;
    spokenOf(t).push(line);
    send({ type: "text", token: `${line} `, last: false });
    recordUtterance(t, true);
  }

  /** the database write of the caller's words, once the reply has started (or the turn ended) */
  function recordUtterance(t: Turn, afterSend: boolean): void {
    const r = t.record;
    if (!r) return;
    t.record = undefined;
    if (afterSend) setImmediate(r);
    else r();
  }
  const spoken = new Map<number, string[]>();
  const spokenOf = (t: Turn) => spoken.get(t.n) ?? (spoken.set(t.n, []), spoken.get(t.n)!);

  async function runTurn(t: Turn, text: string, digit: string | undefined): Promise<void> {
    const sess = s!;
    const profile = sess.business.profile;
    const emergency = detectEmergency(text, profile.ai.emergencyPhrases);
    if (emergency) {
      sayLine(t, safetyMessage(emergency, profile.name));
      sayLine(t, "I'm connecting you with someone now.");
      closeTurn(t);
      write("emergency", () =>
        handCallToOffice(ctx, sess, {
          by: "emergency",
          kind: "emergency",
          message: `EMERGENCY on a call (${emergency.kind}): "${emergency.phrase}". Transferring the caller now.`,
          payload: { kind: emergency.kind, phrase: emergency.phrase, callSid: sess.callSid },
        }),
      );
      endCall(`emergency (${emergency.kind})`);
      return;
    }
    if (digit === "0" || asksForPerson(text) || !ctx.llm || !profile.ai.enabled || !sess.agent) {
      sayLine(t, "Sure, let me connect you with someone from the office.");
      closeTurn(t);
      endCall(digit === "0" || asksForPerson(text) ? "the caller asked for a person" : "the AI is off for this business");
      return;
    }
    const { prompt, system, tools } = sess.agent;
    const fm = prompt.frontMatter;
    const now = ctx.clock.now();
    const r = await speakTurn(ctx, {
      llm: ctx.llm,
      target: sess.target,
      scope: { business: sess.business, conversationId: sess.target.conversation.id, contactId: sess.target.conversation.contactId, now, onCall: true },
      model: profile.ai.model ?? fm.model ?? ctx.env.OPENAI_MODEL ?? "gpt-4o-mini",
      temperature: fm.temperature,
      maxToolSteps: fm.maxToolSteps,
      maxSentenceChars: fm.maxReplyChars,
      tools,
      messages: buildVoiceMessages(sess, system), // nothing read from the database: the model is called at once
      facts: sess.facts,
      utterance: text,
      fallback: renderTemplate(ctx.templates.agentFallback, { business: profile.name }),
      fillerAfterMs: o.fillerAfterMs ?? 700,
      say: (sentence) => sayLine(t, sentence),
      signal: t.stop.signal,
    });
    sess.facts = r.facts;
    sess.turns++;
    sess.promptTokens += r.promptTokens;
    sess.completionTokens += r.completionTokens;
    for (const b of r.booked) write("booking confirmation", () => textBookingConfirmation(ctx, sess, b));
    closeTurn(t);
    if (r.handoff) endCall(r.handoff);
  }

  /** the reply is complete: the last-token marker, and it waits to be recorded until the caller could cut it */
  function closeTurn(t: Turn): void {
    const sess = s!;
    recordUtterance(t, false);
    if (!t.stop.signal.aborted) send({ type: "text", token: "", last: true });
    const text = t.heard ?? spokenOf(t).join(" ");
    spoken.delete(t.n);
    pendingReply = { n: t.n, text };
    if (text.trim()) sess.transcript.push({ role: "assistant", content: text });
  }

  function flushReply(): void {
    const sess = s;
    const r = pendingReply;
    pendingReply = undefined;
    if (!sess || !r || !r.text.trim()) return;
    write("reply", () => recordReplyHeard(ctx, sess, r.n, r.text));
  }

  /** hands the caller to a person: `end` with handoffData, the conversation to the office, an alert with the call's summary */
  function endCall(reason: string): void {
    const sess = s;
    if (!sess || ended) return;
    ended = true;
    sess.outcome = "handoff";
    const summary = summarizeCall(sess, reason);
    const data: THandoffData = { transfer: true, reason: reason.slice(0, 100), summary: summary.slice(0, 2000) };
    send({ type: "end", handoffData: JSON.stringify(data) });
    write("handoff", () =>
      handCallToOffice(ctx, sess, {
        by: "ai",
        kind: "voice-handoff",
        message: `The voice assistant is transferring a caller (${sess.target.contact.phone ?? "unknown number"}): ${summary}`,
        payload: { callSid: sess.callSid, reason },
      }),
    );
  }

  async function wrapUp(): Promise<void> {
    if (!s || ended) return;
    if (turn) {
      turn.stop.abort();
      await turn.done;
    }
    flushReply();
    const t: Turn = { n: s.utterances + 1000, stop: new AbortController(), done: Promise.resolve() };
    sayLine(t, "We've been on a while, so let me hand you to someone from the office.");
    closeTurn(t);
    flushReply();
    endCall("the call reached its maximum length");
  }

  async function finish(): Promise<void> {
    clearTimeout(maxTimer);
    const sess = s;
    if (!sess) {
      await setupDone;
      if (!s) return;
      return finish();
    }
    if (turn) {
      turn.stop.abort();
      await turn.done;
    }
    await new Promise((r) => setImmediate(r)); // a deferred utterance write goes first
    flushReply();
    await writes;
    try {
      await recordCallOutcome(ctx, sess, Math.round((wallMs() - started) / 1000));
    } catch (e) {
      ctx.log.error({ err: (e as Error).message, callSid: sess.callSid }, "voice call not finished cleanly");
    } finally {
      o.live.delete(sess.callSid);
    }
  }
}

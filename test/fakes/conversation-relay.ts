// Twilio's side of ConversationRelay, for tests and the bench: a real WebSocket client that signs the
// upgrade as Twilio does (X-Twilio-Signature over the wss:// URL, no params) and speaks exactly the
// documented frames — in: setup, prompt {voicePrompt, lang, last}, interrupt
// {utteranceUntilInterrupt, durationUntilInterruptMs}, dtmf {digit}, error {description}; out:
// text {token, last}, end {handoffData}.
import twilio from "twilio";
import WebSocket from "ws";
import { sid } from "./twilio-webhooks.ts";

export type OutFrame = { type: "text"; token: string; last: boolean } | { type: "end"; handoffData: string } | { type: string; [k: string]: unknown };

export interface RelayClient {
  ws: WebSocket;
  callSid: string;
  /** every frame the app sent, in order, with when it arrived (performance.now()) */
  frames: { frame: OutFrame; at: number }[];
  setup(p: { from: string; to: string; customParameters?: Record<string, string> }): void;
  prompt(voicePrompt: string, last?: boolean): void;
  interrupt(utteranceUntilInterrupt: string, durationUntilInterruptMs?: number): void;
  dtmf(digit: string): void;
  error(description: string): void;
  /** the text of the next reply: text tokens from frame `from` until one with last: true */
  reply(from?: number, timeoutMs?: number): Promise<string>;
  /** resolves with the first frame (from index `from`) that matches */
  waitFrame(match: (f: OutFrame) => boolean, from?: number, timeoutMs?: number): Promise<OutFrame>;
  close(): Promise<void>;
}

export function relaySignature(token: string, publicBaseUrl: string, path = "/webhooks/twilio/relay"): string {
  const url = `${publicBaseUrl.replace(/^http/, "ws")}${path}`;
  return twilio.getExpectedTwilioSignature(token, url, {});
}

/** Opens the socket; rejects with the HTTP status when the upgrade is refused. */
export function connectRelay(
  serverUrl: string,
  o: { token: string; publicBaseUrl: string; signature?: string | null; callSid?: string },
): Promise<RelayClient> {
  const sig = o.signature === undefined ? relaySignature(o.token, o.publicBaseUrl) : o.signature;
  const ws = new WebSocket(`${serverUrl.replace(/^http/, "ws")}/webhooks/twilio/relay`, { headers: sig ? { "X-Twilio-Signature": sig } : {} });
  const callSid = o.callSid ?? sid("CA");
  const frames: { frame: OutFrame; at: number }[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (d) => {
    frames.push({ frame: JSON.parse(String(d)) as OutFrame, at: performance.now() });
    for (const w of [...waiters]) w();
  });
  const send = (f: Record<string, unknown>) => ws.send(JSON.stringify(f));
  const client: RelayClient = {
    ws,
    callSid,
    frames,
    setup: (p) =>
      send({
        type: "setup",
        sessionId: sid("VX"),
        accountSid: "AC" + "a1".repeat(16),
        parentCallSid: "",
        callSid,
        from: p.from,
        to: p.to,
        forwardedFrom: p.to,
        callerName: "",
        direction: "inbound",
        callType: "PSTN",
        callStatus: "RINGING",
        customParameters: p.customParameters ?? {},
      }),
    prompt: (voicePrompt, last = true) => send({ type: "prompt", voicePrompt, lang: "en-US", last }),
    interrupt: (utteranceUntilInterrupt, durationUntilInterruptMs = 460) => send({ type: "interrupt", utteranceUntilInterrupt, durationUntilInterruptMs }),
    dtmf: (digit) => send({ type: "dtmf", digit }),
    error: (description) => send({ type: "error", description }),
    waitFrame(match, from = 0, timeoutMs = 10_000) {
      return new Promise((ok, fail) => {
        const check = () => {
          const hit = frames.slice(from).find((f) => match(f.frame));
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          ok(hit.frame);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.frame))}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    async reply(from = 0, timeoutMs = 10_000) {
      await client.waitFrame((f) => f.type === "text" && f.last === true, from, timeoutMs);
      const out: string[] = [];
      for (const { frame } of frames.slice(from)) {
        if (frame.type !== "text") continue;
        out.push(String(frame.token));
        if (frame.last === true) break;
      }
      return out.join("").trim();
    },
    close: () =>
      new Promise<void>((ok) => {
        if (ws.readyState === WebSocket.CLOSED) return ok();
        ws.once("close", () => ok());
        ws.close();
      }),
  };
  return new Promise((ok, fail) => {
    ws.once("open", () => ok(client));
    ws.once("unexpected-response", (_req, res) => {
      fail(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once("error", (e) => fail(e));
  });
}

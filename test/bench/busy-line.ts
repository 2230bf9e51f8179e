// Missed-call rounds for the bench, against the app or the floor server alike: n callers ring the
// business number and their <Dial> ends as missed; measured per call: the dial-status POST leaving
// the bench → the text to that caller arriving at the loopback fake Twilio (one clock, arrivals.ts).
//   "busy": a busy line (the owner declines, or is on another call; also a caller who hangs up
//     early): each call's dial-status comes gapMs (50) after its own voice webhook was answered, so
//     the text-back competes with the voice event's own processing;
//   "rang": the phones rang first: every voice webhook, then (afterVoice) e.g. until the call events
//     landed, then every dial-status at once.
// measureBusyLine: single busy-line calls one at a time, then bursts of callers at once.
import pg from "pg";
import twilio from "twilio";
import { callParams, dialStatusParams } from "../fakes/twilio-webhooks.ts";
import { nowMs, type Arrivals } from "./arrivals.ts";
import { pct } from "./figures.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A request, signed and encoded, waiting to be sent; resolves with the HTTP status. */
export type PreparedPost = () => Promise<number>;
export type SignedPost = (path: string, params: Record<string, string>) => PreparedPost;

/**
 * Twilio-signed webhooks (X-Twilio-Signature for publicBaseUrl + path), spread round-robin over
 * `urls` per request (one server; or two web processes, as a load balancer would). The signature
 * is computed when the request is prepared, so a latency's clock starts at the send itself.
 */
export function signedPoster(urls: string[], token: string, publicBaseUrl: string): SignedPost {
  let next = 0;
  return (path, params) => {
    const headers = {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilio.getExpectedTwilioSignature(token, publicBaseUrl + path, params),
    };
    const body = new URLSearchParams(params).toString();
    const url = urls[next++ % urls.length]! + path;
    return async () => {
      const res = await fetch(url, { method: "POST", headers, body });
      await res.arrayBuffer();
      return res.status;
    };
  };
}

export interface RoundResult {
  /** dial-status POST → first text at the fake, ms, sorted; callers never texted are left out */
  latencies: number[];
  /** callers not texted within the timeout */
  missing: number;
  /** webhooks that did not answer 200 */
  errors: number;
  callSids: string[];
  phones: string[];
  /** each caller's dial-status send time (performance clock) */
  sentAt: Map<string, number>;
}

export interface RoundOptions {
  post: SignedPost;
  arrivals: Arrivals;
  /** the business number called */
  number: string;
  phones: string[];
  mode: { kind: "busy"; gapMs: number } | { kind: "rang"; afterVoice?: (callSids: string[]) => Promise<void> };
  /** DialCallStatus (default: busy for "busy", no-answer for "rang") */
  dialStatus?: string;
  timeoutMs?: number;
  /** called with each caller's dial-status send time, as it is sent */
  onSent?: (phone: string, at: number) => void;
  /** the calls' CallSids, one per phone (default: new ones) */
  callSids?: string[];
  /** stop waiting for texts when this resolves (before timeoutMs) */
  stopWaiting?: Promise<unknown>;
}

export async function callRound(o: RoundOptions): Promise<RoundResult> {
  const calls = o.phones.map((from, i) => callParams({ from, to: o.number, ...(o.callSids ? { callSid: o.callSids[i]! } : {}) }));
  const status = o.dialStatus ?? (o.mode.kind === "busy" ? "busy" : "no-answer");
  const sentAt = new Map<string, number>();
  let errors = 0;
  const send = async (p: PreparedPost) => {
    const s = await p().catch(() => 0);
    if (s !== 200) errors++;
  };
  const dial = (c: Record<string, string>) => {
    const p = o.post("/webhooks/twilio/voice/dial-status", dialStatusParams(c, status));
    const at = nowMs();
    sentAt.set(c.From!, at);
    o.onSent?.(c.From!, at);
    return send(p);
  };
  if (o.mode.kind === "busy") {
    const gap = o.mode.gapMs;
    await Promise.all(
      calls.map(async (c) => {
        await send(o.post("/webhooks/twilio/voice", c));
        await sleep(gap);
        await dial(c);
      }),
    );
  } else {
    await Promise.all(calls.map((c) => send(o.post("/webhooks/twilio/voice", c))));
    await o.mode.afterVoice?.(calls.map((c) => c.CallSid!));
    await Promise.all(calls.map((c) => dial(c)));
  }
  const deadline = nowMs() + (o.timeoutMs ?? 30_000);
  const all = Promise.all(calls.map((c) => o.arrivals.waitFor(c.From!, Math.max(0, deadline - nowMs()))));
  const arrived = await (o.stopWaiting ? Promise.race([all, o.stopWaiting.then(() => calls.map((c) => o.arrivals.first(c.From!)))]) : all);
  const latencies: number[] = [];
  arrived.forEach((at, i) => {
    if (at !== undefined) latencies.push(at - sentAt.get(calls[i]!.From!)!);
  });
  return {
    latencies: latencies.sort((a, b) => a - b),
    missing: calls.length - latencies.length,
    errors,
    callSids: calls.map((c) => c.CallSid!),
    phones: o.phones,
    sentAt,
  };
}

/** What the app's database says about a round. */
export interface Settler {
  /** true when every voice and dial-status event of these calls is stored and no longer pending */
  settle(callSids: string[], timeoutMs?: number): Promise<boolean>;
  /**
   * Where the text-backs' time went (p50/p99 per stage): dial-status sent → its event row
   * (`webhook_ack`) → the text-back row (`to_textback_row`) → claimed for sending (`to_send_attempt`)
   * → at the fake (`send_call`, which includes the per-number pacing). The app's timestamps are its
   * wall clock at ms precision, the bench's its performance clock: stages are approximate, the sum is
   * the measured latency.
   */
  stages(rounds: RoundResult[], arrivals: Arrivals): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

const STAGES = ["webhook_ack", "to_textback_row", "to_send_attempt", "send_call"] as const;

export function createSettler(databaseUrl: string): Settler {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  return {
    async stages(rounds, arrivals) {
      const ms = (col: string) => `(EXTRACT(EPOCH FROM ${col}) * 1000)::float8`;
      const sids = rounds.flatMap((r) => r.callSids);
      const rows = await pool.query<{ from: string; received: number; created: number | null; attempted: number | null }>(
        `SELECT e."payload"->>'From' AS "from", ${ms('e."receivedAt"')} AS received, ${ms('m."createdAt"')} AS created, ${ms('m."attemptedAt"')} AS attempted
           FROM "InboundEvent" e LEFT JOIN "Message" m ON m."dedupeKey" = 'textback-' || substring(e."externalId" from 6)
          WHERE e."provider" = 'twilio' AND e."externalId" = ANY($1)`,
        [sids.map((s) => `dial-${s}`)],
      );
      const sentAt = new Map(rounds.flatMap((r) => [...r.sentAt]));
      const cols: number[][] = STAGES.map(() => []);
      for (const x of rows.rows) {
        const sent = sentAt.get(x.from);
        const at = arrivals.first(x.from);
        if (sent === undefined || at === undefined || x.created === null || x.attempted === null) continue;
        const points = [sent, x.received, x.created, x.attempted, at];
        STAGES.forEach((_, i) => cols[i]!.push(points[i + 1]! - points[i]!));
      }
      const round = (n: number) => Math.round(n * 10) / 10;
      const by = (p: number) =>
        Object.fromEntries(
          STAGES.map((n, i) => [
            n,
            round(
              pct(
                [...cols[i]!].sort((a, b) => a - b),
                p,
              ),
            ),
          ]),
        );
      return { stages_p50_ms: by(50), stages_p99_ms: by(99), stages_calls: cols[0]!.length };
    },
    async settle(callSids, timeoutMs = 30_000) {
      const ids = callSids.flatMap((s) => [`voice-${s}`, `dial-${s}`]);
      const until = nowMs() + timeoutMs;
      while (nowMs() < until) {
        const r = await pool.query<{ done: string }>(
          `SELECT count(*) FILTER (WHERE "status" <> 'pending') AS done FROM "InboundEvent" WHERE "provider" = 'twilio' AND "externalId" = ANY($1)`,
          [ids],
        );
        if (Number(r.rows[0]!.done) === ids.length) return true;
        await sleep(20);
      }
      return false;
    },
    close: () => pool.end(),
  };
}

export interface BusyLineFigures {
  /** single calls, one at a time (ms, sorted) */
  single: number[];
  /** every caller of the measured bursts (ms, sorted) */
  burst: number[];
  missing: number;
  errors: number;
  /** rounds whose call events were still pending at the settle timeout */
  unsettled: number;
  /** p99 of each measured burst, in order */
  burstRoundP99: number[];
  singleRounds: RoundResult[];
  burstRounds: RoundResult[];
}

export interface BusyLineOptions {
  post: SignedPost;
  arrivals: Arrivals;
  number: string;
  phone: () => string;
  /** the app's: wait for a round's events before the next round; none for the floor */
  settle?: (callSids: string[]) => Promise<boolean>;
  singles?: number;
  warmupSingles?: number;
  burstSize?: number;
  bursts?: number;
  gapMs?: number;
}

export async function measureBusyLine(o: BusyLineOptions): Promise<BusyLineFigures> {
  const gapMs = o.gapMs ?? 50;
  const out: BusyLineFigures = { single: [], burst: [], missing: 0, errors: 0, unsettled: 0, burstRoundP99: [], singleRounds: [], burstRounds: [] };
  const round = async (n: number, keep?: number[], rounds?: RoundResult[]) => {
    const r = await callRound({
      post: o.post,
      arrivals: o.arrivals,
      number: o.number,
      phones: Array.from({ length: n }, o.phone),
      mode: { kind: "busy", gapMs },
    });
    if (keep) {
      keep.push(...r.latencies);
      rounds?.push(r);
      out.missing += r.missing;
      out.errors += r.errors;
    }
    if (o.settle && !(await o.settle(r.callSids))) out.unsettled++;
    // the next round starts on a quiet process
    await sleep(100);
    return r;
  };
  for (let i = 0; i < (o.warmupSingles ?? 3); i++) await round(1);
  for (let i = 0; i < (o.singles ?? 20); i++) await round(1, out.single, out.singleRounds);
  await round(o.burstSize ?? 50); // warm-up
  for (let i = 0; i < (o.bursts ?? 2); i++) {
    const r = await round(o.burstSize ?? 50, out.burst, out.burstRounds);
    out.burstRoundP99.push(Math.round(pct(r.latencies, 99)));
  }
  out.single.sort((a, b) => a - b);
  out.burst.sort((a, b) => a - b);
  return out;
}

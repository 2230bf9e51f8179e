// scale.*: Leadline the way Fly runs it — two ROLE=web and two ROLE=worker processes (src/main.ts)
// over one Postgres database and one Redis prefix, webhooks alternating between the two web
// processes (per request, as a load balancer spreads them; a call's voice and dial-status webhooks
// may land on different processes).
//   scale.busy_line_burst_p50_ms / _p99_ms — 50 busy-line callers at once (busy-line.ts), two rounds
//     after a warm-up, with the floor server's same rounds beside it
//   scale.campaign_mps_error_pct / scale.campaign_busiest_second — a campaign from one number at its
//     mps, both workers sending: measured rate vs mps (±5 %) and the most texts in any 1-second window
//   scale.doubled_texts — recipients (callers and campaign) texted more than once
//   scale.sigkill_texted_once — 50 busy-line callers at once; one worker is SIGKILLed once 10 of them
//     were texted; callers texted exactly once (of 50), waited for until every call event of the round
//     is processed (BullMQ's stalled-job recovery: the app sets no lockDuration for ROLE=worker, so
//     BullMQ's defaults, 30 s lock and 30 s stalled check, decide when the dead worker's jobs re-run)
//   scale.sigkill_recovery_ms — the SIGKILL → every call event of that round processed
import pg from "pg";
import { createQueues } from "../../src/jobs/queues.ts";
import { deleteRedisPrefix } from "../helpers/redis-keys.ts";
import { nowMs, type Arrivals } from "./arrivals.ts";
import { startChild, type Child } from "./bench-servers.ts";
import { callRound, createSettler, signedPoster, type RoundResult, type SignedPost } from "./busy-line.ts";
import { campaignPhones, campaignRate, queueCampaign } from "./campaign-send.ts";
import { emit, emitWithFloor, pct } from "./figures.ts";
import { sid } from "../fakes/twilio-webhooks.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const BURST = 50;
const ROUNDS = 2;
const KILL_AFTER_TEXTS = 10;
/** long enough for BullMQ's default stalled-job recovery (30 s lock + up to 30 s until the next check), twice */
const SIGKILL_WAIT_MS = 150_000;

export interface TwoByTwoOptions {
  /** the bench's env for the app (database, Redis, Twilio fake, public URL); QUEUE_PREFIX is replaced */
  baseEnv: Record<string, string>;
  prefix: string;
  redisUrl: string;
  databaseUrl: string;
  token: string;
  publicBaseUrl: string;
  /** the text-back business's number */
  number: string;
  /** the business number's messaging.mps (pacing: the n-th text of a burst leaves ≥ (n−1)/mps s after the first) */
  numberMps: number;
  campaign: { businessId: string; from: string; mps: number; texts: number; tag: string };
  arrivals: Arrivals;
  /** what the fake Twilio got for a number (evidence for a doubled text) */
  textsTo: (to: string) => { from: string; body: string }[];
  phone: () => string;
  floorPost: SignedPost;
  floorPhone: () => string;
}

export async function measureTwoByTwo(o: TwoByTwoOptions): Promise<void> {
  await deleteRedisPrefix(o.redisUrl, o.prefix);
  const env = { ...o.baseEnv, QUEUE_PREFIX: o.prefix, LOG_LEVEL: "info" };
  const children: Child[] = [];
  const settler = createSettler(o.databaseUrl);
  const queues = createQueues(o.redisUrl, o.prefix);
  try {
    // 1a. the floor's rounds (below), first: before the four processes hold any of the database
    // server's connections (max_connections is shared by everything on this machine)
    const floor: number[] = [];
    let floorMissing = 0;
    let floorErrors = 0;
    for (let i = 0; i <= ROUNDS; i++) {
      const r = await callRound({
        post: o.floorPost,
        arrivals: o.arrivals,
        number: o.number,
        phones: Array.from({ length: BURST }, o.floorPhone),
        mode: { kind: "busy", gapMs: 50 },
      });
      if (i === 0) continue; // warm-up
      floor.push(...r.latencies);
      floorMissing += r.missing;
      floorErrors += r.errors;
    }
    floor.sort((a, b) => a - b);
    const start = (role: string, ready: RegExp) =>
      startChild("src/main.ts", { ...env, ROLE: role }, ready).then((c) => {
        children.push(c);
        return c;
      });
    const [webs, workers] = await Promise.all([
      Promise.all([1, 2].map(() => start("web", /"port":(\d+).*web listening/))),
      Promise.all([1, 2].map(() => start("worker", /"msg":"workers running"()/))),
    ]);
    const post = signedPoster(
      webs.map((w) => w.url),
      o.token,
      o.publicBaseUrl,
    );
    const recipients: string[] = [];
    const burst = async (keep?: number[]) => {
      const r = await callRound({
        post,
        arrivals: o.arrivals,
        number: o.number,
        phones: Array.from({ length: BURST }, o.phone),
        mode: { kind: "busy", gapMs: 50 },
      });
      recipients.push(...r.phones);
      keep?.push(...r.latencies);
      await settler.settle(r.callSids);
      await sleep(100);
      return r;
    };

    // 1b. text-back, 50 busy-line callers at once
    await burst(); // warm-up (each process's first text-backs)
    const app: number[] = [];
    const rounds: RoundResult[] = [];
    let missing = 0;
    let errors = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const r = await burst(app);
      rounds.push(r);
      missing += r.missing;
      errors += r.errors;
    }
    app.sort((a, b) => a - b);
    const extra = {
      processes: "2 web + 2 worker",
      callers_at_once: BURST,
      rounds: ROUNDS,
      samples: app.length,
      not_texted: missing,
      webhook_errors: errors,
      round_p99_ms: rounds.map((r) => Math.round(pct(r.latencies, 99))),
      mps_pacing_min_ms_for_last: Math.round(((BURST - 1) * 1000) / o.numberMps),
      ...(await settler.stages(rounds, o.arrivals)),
    };
    const floorExtra = { not_texted: floorMissing, webhook_errors: floorErrors, measured: "before the four processes started" };
    emitWithFloor("scale.busy_line_burst_p50_ms", 50, app, floor, extra, floorExtra);
    emitWithFloor("scale.busy_line_burst_p99_ms", 99, app, floor, { target: "< 500", ...extra }, floorExtra);

    // 2. a campaign from one number at its mps, both workers sending
    const phones = campaignPhones(o.campaign.tag, o.campaign.texts);
    await queueCampaign(o.databaseUrl, queues, { businessId: o.campaign.businessId, from: o.campaign.from, count: o.campaign.texts, tag: o.campaign.tag });
    const rate = await campaignRate(o.arrivals, phones, o.campaign.mps, 60_000 + (o.campaign.texts * 2000) / o.campaign.mps);
    recipients.push(...phones);
    const campaignExtra = {
      measured_mps: Math.round(rate.mps * 100) / 100,
      configured_mps: o.campaign.mps,
      texts: rate.texts,
      busiest_second: rate.busiestSecond,
    };
    emit("scale.campaign_mps_error_pct", rate.errorPct, "%", { target: "within ±5", ...campaignExtra });
    emit("scale.campaign_busiest_second", rate.busiestSecond, "texts", { target: `<= ${o.campaign.mps}`, ...campaignExtra });

    // 3. no text twice: every recipient of the bursts and the campaign (a second later, for stragglers)
    await sleep(1000);
    const doubled = recipients.filter((p) => o.arrivals.count(p) > 1);
    emit("scale.doubled_texts", doubled.length, "recipients", {
      target: "0",
      recipients: recipients.length,
      not_texted: recipients.filter((p) => o.arrivals.count(p) === 0).length,
      ...(doubled.length ? { doubled_sample: await doubledEvidence(o, doubled.slice(0, 3)) } : {}),
      app_error_log_lines: errorLines(children),
    });

    // 4. a worker SIGKILLed mid-burst: every caller texted exactly once
    const victim = workers[0]!;
    let killedAt: number | undefined;
    const callers = Array.from({ length: BURST }, o.phone);
    const mine = new Set(callers);
    let texted = 0;
    const unlisten = o.arrivals.listen((to) => {
      if (!mine.has(to) || o.arrivals.count(to) !== 1) return;
      texted++;
      if (texted === KILL_AFTER_TEXTS && killedAt === undefined) {
        victim.proc.kill("SIGKILL");
        killedAt = nowMs();
      }
    });
    const callSids = callers.map(() => sid("CA"));
    // every call event of the round processed: watched from the start, beside the texts
    const settling = settler.settle(callSids, SIGKILL_WAIT_MS).then((ok) => ({ ok, at: nowMs() }));
    const r = await callRound({
      post,
      arrivals: o.arrivals,
      number: o.number,
      phones: callers,
      callSids,
      mode: { kind: "busy", gapMs: 50 },
      timeoutMs: SIGKILL_WAIT_MS,
      // every event processed: a text still to come would be a straggler; 5 s more for it
      stopWaiting: settling.then(() => sleep(5000)),
    });
    unlisten();
    const lastText = Math.max(...callers.map((p) => o.arrivals.first(p) ?? Number.NaN).filter((t) => !Number.isNaN(t)));
    const { ok: settled, at: settledAt } = await settling;
    await sleep(2000); // a late second text would show now
    const counts = callers.map((p) => o.arrivals.count(p));
    // callers whose text waited for the dead worker's jobs to be recovered
    const late = callers.filter((p) => (o.arrivals.first(p) ?? Number.POSITIVE_INFINITY) - r.sentAt.get(p)! > 5000).length;
    const rows = await textBackRows(o.databaseUrl, r.callSids);
    const killExtra = {
      killed_after_texts: KILL_AFTER_TEXTS,
      killed: killedAt !== undefined,
      texted_once: counts.filter((n) => n === 1).length,
      doubled: counts.filter((n) => n > 1).length,
      not_texted: counts.filter((n) => n === 0).length,
      events_settled: settled,
      last_text_after_kill_ms: killedAt === undefined ? null : Math.round(lastText - killedAt),
      not_texted_within_5s_of_dial_status: late,
      textback_rows_by_status: rows,
      app_error_log_lines: errorLines(children),
      dial_status_p50_ms: Math.round(pct(r.latencies, 50)),
    };
    emit("scale.sigkill_texted_once", killExtra.texted_once, `callers of ${BURST}`, { target: `${BURST}/${BURST}`, ...killExtra });
    emit("scale.sigkill_recovery_ms", killedAt === undefined || !settled ? Number.NaN : settledAt - killedAt, "ms", {
      measured: "SIGKILL → every voice and dial-status event of the round processed",
      lock: "10 s, stall check every 5 s (start-workers.ts LOCK_DURATION_MS)",
      ...killExtra,
    });
  } finally {
    await queues.close();
    await settler.close();
    await Promise.all(children.map((c) => c.stop()));
    await deleteRedisPrefix(o.redisUrl, o.prefix);
  }
}

/** The four processes' warn and error log lines so far: how many, and the first few distinct messages. */
function errorLines(children: Child[]) {
  const lines = children.flatMap((c) => c.log().split("\n"));
  const msg = (l: string) => {
    try {
      const j = JSON.parse(l) as { msg?: string; err?: unknown };
      return `${j.msg ?? ""}${j.err ? `: ${typeof j.err === "string" ? j.err : JSON.stringify(j.err).slice(0, 120)}` : ""}`;
    } catch {
      return l.slice(0, 160);
    }
  };
  const of = (re: RegExp) => {
    const hits = lines.filter((l) => re.test(l));
    return { count: hits.length, sample: [...new Set(hits.map(msg))].slice(0, 3) };
  };
  return { errors: of(/"level":(50|60)\b/), warnings: of(/"level":40\b/) };
}

/** For a few doubled recipients: what the fake got, and the app's outbound rows and call events for them. */
async function doubledEvidence(o: TwoByTwoOptions, phones: string[]): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: o.databaseUrl });
  await c.connect();
  try {
    return await Promise.all(
      phones.map(async (to) => ({
        to,
        at_fake: o.textsTo(to),
        rows: (
          await c.query(
            `SELECT "id", "purpose", "kind", "author", "status", "dedupeKey", "attempts", "errorCode", "providerId", "createdAt", "attemptedAt", "sentAt"
               FROM "Message" WHERE "toNumber" = $1 AND "direction" = 'outbound' ORDER BY "createdAt"`,
            [to],
          )
        ).rows,
        events: (
          await c.query(
            `SELECT "kind", "externalId", "status", "attempts", "error", "receivedAt", "processedAt" FROM "InboundEvent"
              WHERE "provider" = 'twilio' AND "payload"->>'From' = $1 ORDER BY "receivedAt"`,
            [to],
          )
        ).rows,
      })),
    );
  } finally {
    await c.end();
  }
}

/** The text-back rows of these calls by status (evidence: `unknown` = cut off mid-send, never resent). */
async function textBackRows(databaseUrl: string, callSids: string[]): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ status: string; n: string }>(`SELECT "status", count(*) AS n FROM "Message" WHERE "dedupeKey" = ANY($1) GROUP BY "status"`, [
      callSids.map((s) => `textback-${s}`),
    ]);
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  } finally {
    await c.end();
  }
}

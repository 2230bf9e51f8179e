// `npm run bench`: one JSON line per figure (ARCHITECTURE.md). Needs Postgres and Redis like the tests.
// Beside each text-back/form latency, `<figure>.floor_ms` and `<figure>.vs_floor`: the floor server
// (floor-server.ts: signature, one INSERT, one Messages API call; its own process on this machine)
// doing the same shape of work at the same concurrency in the same run, and the app's ratio to it.
// Sections (BENCH_ONLY picks some; in this order):
//   ingest — ingest.rps / ingest.p99_ms / ingest.vs_bare_express / ingest.floor_rps / ingest.vs_floor:
//     signed unique SMS webhooks (autocannon) to ROLE=web, a bare express handler and the floor's ingest route
//   textback — missed_call.textback_p50_ms / _p99_ms: 50 calls ring (their events land), then all 50
//     dial-status webhooks at once → Messages API call at a loopback fake
//   busy — missed_call.textback_busy_line_{single,burst}_{p50,p99}_ms: a busy line, the dial-status 50 ms
//     after the voice webhook (busy-line.ts): 20 single calls one at a time; 50 callers at once, two rounds
//   form — form.first_text_p50_ms / _p99_ms: 50 form leads at once → each lead's first text
//   agent — agent.turn_overhead_p99_ms / agent.turn_p50_ms: inbound SMS → the agent's reply at the fake Twilio,
//     minus the model's own time, with a zero-latency loopback OpenAI-compatible model (floor: a webhook
//     answered by a text, one at a time; by_age: the first 60 turns after the warm-up against the rest);
//     agent.prompt_tokens_per_turn / agent.prompt_chars_stable_prefix
//   loaded — missed_call.textback_busy_p50_ms / _p99_ms: the text-back while 40 turns wait on a 1.5 s model;
//     missed_call.textback_busy_burst_p50_ms / _p99_ms: ... while the 40 turns' messages are being processed
//   campaign — campaign.mps_error_pct: 200 campaign texts (bulk lane) from a number at mps 20, measured rate vs
//     configured; missed_call.textback_during_campaign_p50_ms / _p99_ms: the text-back while a campaign sends
//     from the same number
//   voice — voice.first_text_ms (p50/p99): final ConversationRelay `prompt` → first `text` frame, minus T, 10
//     calls at once, the streaming fake model's first sentence complete T ms after the request;
//     voice.later_sentence_p99_ms: the model finishing each later sentence → its `text` frame
//   console — console.inbox_first_paint_ms: the console Inbox with 10,000 conversations in headless Chromium,
//     navigation start → the frame painting the first rows, p50 of empty-cache loads (target < 1000);
//     console.reports_year_ms / console.reports_year_p99_ms: GET …/reports over a year of 50,000 leads, p50
//     and p99 of 20 requests (target < 500); both from console-figures.ts (a Leadline of its own; also runs alone)
//   two — scale.*: two ROLE=web and two ROLE=worker processes (two-by-two.ts): busy-line burst p50/p99, a
//     campaign's rate and busiest second, doubled texts, a worker SIGKILLed mid-burst (texted once, recovery)
//   plan — campaign.plan_100k_ms / campaign.launch_100k_ms / campaign.plan_peak_rss_mb: a 100,000-contact
//     campaign: the dry run (who gets what, when, in their zone) and the launch, in a process of its own
//   sms — sms.gsm7_pct / sms.segments_mean: over the eval corpus' scripted replies (or the agent section's replies)
// Knobs: BENCH_ONLY (comma-separated sections, e.g. BENCH_ONLY=busy,two npm run bench; default: all),
// BENCH_SECONDS, BENCH_CONNECTIONS and BENCH_INGEST_ROUNDS (ingest), BENCH_TURNS, BENCH_WARMUP_TURNS (agent), BENCH_VOICE_T_MS (voice),
// BENCH_CONSOLE_REPORTS, BENCH_CONSOLE_LOADS (console).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import twilio from "twilio";
import { deleteRedisPrefix } from "../helpers/redis-keys.ts";
import pg from "pg";
import { migratePostgres } from "../../src/db/open-database.ts";
import { startLoopbackTwilio } from "../fakes/loopback-twilio.ts";
import { startLoopbackOpenAi } from "../fakes/loopback-openai.ts";
import { ACCOUNT_SID, smsParams } from "../fakes/twilio-webhooks.ts";
import { normalizeGsm7 } from "../../src/messaging/normalize-gsm7.ts";
import { createQueues } from "../../src/jobs/queues.ts";
import { startChild, type Child } from "./bench-servers.ts";
import { loadEvalReplies, type EvalReplies } from "./eval-replies.ts";
import type { PlanFigures } from "./campaign-plan.ts";
import { measureVoiceFirstText } from "./voice-first-text.ts";
import { benchConsoleFigures } from "./console-figures.ts";
import { createArrivals, nowMs, phoneSeries } from "./arrivals.ts";
import { callRound, createSettler, measureBusyLine, signedPoster } from "./busy-line.ts";
import { campaignPhones, campaignRate, queueCampaign } from "./campaign-send.ts";
import { emit, emitWithFloor, pct } from "./figures.ts";
import { measureTwoByTwo } from "./two-by-two.ts";

const PG = process.env.BENCH_PG ?? "postgresql://postgres@127.0.0.1:5432";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const TOKEN = "bench-token";
const PUBLIC = "https://bench.leadline.test";
const NUMBER = "+15555550100";
/** the text-back number's messaging.mps: a burst's n-th text leaves at least (n − 1) / mps s after the first */
const NUMBER_MPS = 200;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const INGEST_ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 3);
const FORM_TOKEN = "bench-form-token";
const TURNS = Number(process.env.BENCH_TURNS ?? 200);
const WARMUP_TURNS = Number(process.env.BENCH_WARMUP_TURNS ?? 20);
const BUSY_TURNS = 40;
const BUSY_MODEL_MS = 1500;
const CAMPAIGN_NUMBER = "+15555550102";
/** the AI answers every call to this one (voice.aiAnswer: always) */
const VOICE_NUMBER = "+15555550103";
const VOICE_CALLS = 10;
const VOICE_FIRST_SENTENCE_MS = Number(process.env.BENCH_VOICE_T_MS ?? 300);
const CAMPAIGN_MPS = 20;
const CAMPAIGN_TEXTS = 200;
/** campaign texts from the text-back number while the text-backs are measured (mps 200: about 8 s of sending) */
const CAMPAIGN_DURING_TEXTBACK = 1500;
const EVALS_DIR = "prompts/evals";
const SECTIONS = ["ingest", "textback", "busy", "form", "agent", "loaded", "campaign", "voice", "console", "two", "plan", "sms"] as const;
type Section = (typeof SECTIONS)[number];
/** the sections that measure the one ROLE=all process */
const ONE_PROCESS: Section[] = ["textback", "busy", "form", "agent", "loaded", "campaign", "voice"];
const ONLY = ((): Set<Section> => {
  const asked = (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  const unknown = asked.filter((x) => !(SECTIONS as readonly string[]).includes(x));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown section ${unknown.join(", ")} (sections: ${SECTIONS.join(", ")})`);
  return new Set(asked.length ? (asked as Section[]) : SECTIONS);
})();
const on = (s: Section) => ONLY.has(s);
// What the fake model answers: a first message that passes the reply guard (says it is the virtual
// assistant), with the typography models like (’ —) that the app must normalise to GSM-7.
const MODEL_REPLY =
  "Hi, this is Bench Plumbing\u2019s virtual assistant \u2014 happy to help. What\u2019s the ZIP code of the job, and how long has the drain been slow?";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

function commonPrefixLength(texts: string[]): number {
  if (texts.length === 0) return 0;
  let n = texts[0]!.length;
  for (const t of texts) {
    let i = 0;
    while (i < n && i < t.length && t.charCodeAt(i) === texts[0]!.charCodeAt(i)) i++;
    n = i;
  }
  return n;
}

/** the bench marker in an inbound SMS ("Ref #m17.") */
const refOf = (text: string) => /Ref #(\w+)\./.exec(text)?.[1];

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: `${PG}/postgres` });
  await c.connect();
  await c.query(sql);
  await c.end();
}

/** Signed, unique SMS webhooks, built before the run so the load generator spends its CPU on sending. */
function signedBodies(n: number): { body: string; signature: string }[] {
  const path = "/webhooks/twilio/sms";
  return Array.from({ length: n }, (_, i) => {
    const params = {
      AccountSid: ACCOUNT_SID,
      MessageSid: "SM" + randomBytes(16).toString("hex"),
      From: `+1212555${String(i % 10000).padStart(4, "0")}`,
      To: NUMBER,
      Body: "bench",
      NumMedia: "0",
    };
    return { body: new URLSearchParams(params).toString(), signature: twilio.getExpectedTwilioSignature(TOKEN, PUBLIC + path, params) };
  });
}

/** The same signed requests for Leadline and for the bare handler (which ignores the signature). */
async function load(url: string) {
  const bodies = signedBodies(Math.max(20_000, DURATION * 6_000));
  let i = 0;
  const result = await autocannon({
    url: url + "/webhooks/twilio/sms",
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: "POST",
        setupRequest(req) {
          const b = bodies[i++ % bodies.length]!;
          return { ...req, headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": b.signature }, body: b.body };
        },
      },
    ],
  });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function waitForCalls(databaseUrl: string, callSids: string[]) {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "Call" WHERE "callSid" = ANY($1)`, [callSids]);
    if (Number(r.rows[0]!.n) === callSids.length) break;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  await c.end();
}

interface TurnSample {
  /** inbound webhook POST → the reply's Messages API call at the fake Twilio */
  totalMs: number;
  /** the model's own time (request received → answer written, at the fake model), summed over the turn's calls */
  modelMs: number;
  modelCalls: number;
  promptChars: number;
  toolsChars: number;
  system: string;
  reply: string;
  messageSid: string;
  postedAt: number;
  arrivedAt: number;
}

/** Where a turn's time goes, from the rows the server wrote (its own clock, ms precision). */
async function turnStages(databaseUrl: string, turns: TurnSample[]): Promise<Record<string, unknown>> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const ms = (col: string) => `(EXTRACT(EPOCH FROM ${col}) * 1000)::float8`;
  const r = await c.query<{
    sid: string;
    received: number;
    processed: number | null;
    started: number | null;
    replied: number | null;
    attempted: number | null;
  }>(
    `SELECT e."externalId" AS sid, ${ms('e."receivedAt"')} AS received, ${ms('e."processedAt"')} AS processed,
            ${ms('t."startedAt"')} AS started, ${ms('r."createdAt"')} AS replied, ${ms('r."attemptedAt"')} AS attempted
       FROM "InboundEvent" e
       JOIN "Message" i ON i."providerId" = e."externalId"
       LEFT JOIN "AgentTurn" t ON t."triggerMessageId" = i."id"
       LEFT JOIN "Message" r ON r."id" = t."replyMessageId"
      WHERE e."externalId" = ANY($1)`,
    [turns.map((t) => t.messageSid)],
  );
  await c.end();
  const bySid = new Map(r.rows.map((x) => [x.sid, x]));
  const names = ["webhook_ack", "inbound_job", "to_turn_start", "turn_to_reply_row", "to_send_attempt", "send_call"] as const;
  const rows: { total: number; parts: number[] }[] = [];
  for (const t of turns) {
    const x = bySid.get(t.messageSid);
    if (!x || x.processed === null || x.started === null || x.replied === null || x.attempted === null) continue;
    const points = [t.postedAt, x.received, x.processed, x.started, x.replied, x.attempted, t.arrivedAt];
    rows.push({ total: t.totalMs - t.modelMs, parts: names.map((_, i) => points[i + 1]! - points[i]!) });
  }
  if (rows.length === 0) return { stages_ms: "no rows" };
  const round = (n: number) => Math.round(n * 10) / 10;
  const col = (i: number) => rows.map((x) => x.parts[i]!).sort((a, b) => a - b);
  // the slowest 2% of turns: which stage their extra time sits in
  const slow = [...rows].sort((a, b) => b.total - a.total).slice(0, Math.max(1, Math.ceil(rows.length / 50)));
  return {
    stages_p50_ms: Object.fromEntries(names.map((n, i) => [n, round(pct(col(i), 50))])),
    stages_p99_ms: Object.fromEntries(names.map((n, i) => [n, round(pct(col(i), 99))])),
    stages_slowest_2pct_mean_ms: Object.fromEntries(names.map((n, i) => [n, round(mean(slow.map((x) => x.parts[i]!)))])),
  };
}

async function main() {
  const runId = randomBytes(3).toString("hex");
  const dbName = `leadline_bench_${runId}`;
  const prefix = `llbench${runId}`;
  // the eval corpus is read first: a broken file is reported, not found after minutes of measuring
  let evals: EvalReplies | undefined;
  let evalsError: string | undefined;
  try {
    evals = await loadEvalReplies(EVALS_DIR);
  } catch (e) {
    evalsError = (e as Error).message;
  }
  await admin(`CREATE DATABASE ${dbName}`);
  const databaseUrl = `${PG}/${dbName}`;
  await migratePostgres(databaseUrl);
  const { parseProfile } = await import("../../src/config/parse-profile.ts");
  const { applyBusinessProfile } = await import("../../src/business/apply-business-profile.ts");
  const { openDatabase } = await import("../../src/db/open-database.ts");
  const db = await openDatabase({ url: databaseUrl, poolSize: 1 });
  await applyBusinessProfile(
    db.prisma,
    parseProfile(
      [
        "slug: bench",
        "name: Bench Plumbing",
        "timezone: America/New_York",
        `phoneNumbers: ["${NUMBER}"]`,
        'forwardTo: ["+15555550199"]',
        'hours: { mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"], thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"] }',
        "services:",
        "  - { key: drain-cleaning, name: Drain cleaning, durationMinutes: 90, price: { from: 149, to: 349 } }",
        "  - { key: water-heater, name: Water heater repair, durationMinutes: 120 }",
        'serviceArea: { zips: ["10001", "10002", "10003"] }',
        // no debounce: a turn starts as soon as the message is in, so the bench measures the turn itself
        'ai: { enabled: true, persona: "Sam at Bench Plumbing", debounceSeconds: 0 }',
        `messaging: { mps: ${NUMBER_MPS} }`,
        // campaign texts are proactive: open all day, so the bench measures the same thing at any hour
        'compliance: { quietHours: { start: "00:00", end: "23:59" } }',
        `forms: { token: ${FORM_TOKEN} }`,
        "",
      ].join("\n"),
    ),
  );
  const campaignBusiness = await applyBusinessProfile(
    db.prisma,
    parseProfile(
      [
        "slug: bench-campaign",
        "name: Bench Heating",
        "timezone: America/New_York",
        `phoneNumbers: ["${CAMPAIGN_NUMBER}"]`,
        `messaging: { mps: ${CAMPAIGN_MPS} }`,
        'compliance: { quietHours: { start: "00:00", end: "23:59" } }',
        "",
      ].join("\n"),
    ),
  );
  await applyBusinessProfile(
    db.prisma,
    parseProfile(
      [
        "slug: bench-voice",
        "name: Bench Drains",
        "timezone: America/New_York",
        `phoneNumbers: ["${VOICE_NUMBER}"]`,
        'forwardTo: ["+15555550199"]',
        "services:",
        "  - { key: drain-cleaning, name: Drain cleaning, durationMinutes: 90, price: { from: 149, to: 349 } }",
        "ai: { enabled: true, debounceSeconds: 0 }",
        "voice: { aiAnswer: always }",
        "",
      ].join("\n"),
    ),
  );
  const benchBusiness = await db.prisma.business.findFirstOrThrow({ where: { slug: "bench" }, select: { id: true } });
  await db.close();
  // every text at the fake Twilio, per recipient, on the performance clock the bench sends by
  const arrivals = createArrivals();
  const fake = await startLoopbackTwilio((to) => arrivals.record(to));
  const model = await startLoopbackOpenAi();
  model.setAnswer(() => ({ content: MODEL_REPLY }));
  const baseEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PUBLIC_BASE_URL: PUBLIC,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_API_BASE_URL: fake.url,
    MIGRATE_ON_START: "false",
    LOG_LEVEL: "warn",
    PORT: "0",
  };
  const ready = /"port":(\d+).*web listening/;
  let all: Child | undefined;
  // the floor (floor-server.ts): same token, public URL, database and fake Twilio as the app
  const floor = await startChild(
    "test/bench/floor-server.ts",
    {
      FLOOR_DATABASE_URL: databaseUrl,
      FLOOR_PUBLIC_BASE_URL: PUBLIC,
      FLOOR_TWILIO_TOKEN: TOKEN,
      FLOOR_TWILIO_SID: ACCOUNT_SID,
      FLOOR_TWILIO_API_BASE_URL: fake.url,
      FLOOR_FORM_TOKEN: FORM_TOKEN,
      FLOOR_FROM: NUMBER,
    },
    /listening (\d+)/,
  );
  const floorPost = signedPoster([floor.url], TOKEN, PUBLIC);
  const floorPhone = phoneSeries("332");
  /** the floor's text-back: n callers whose phones rang, then every dial-status at once; `warmups` unmeasured rounds, then one measured */
  const floorRang = async (n: number, warmups = 1) => {
    const r = { ms: [] as number[], extra: { not_texted: 0, webhook_errors: 0 } };
    for (let i = 0; i <= warmups; i++) {
      const x = await callRound({ post: floorPost, arrivals, number: NUMBER, phones: Array.from({ length: n }, floorPhone), mode: { kind: "rang" } });
      if (i < warmups) continue;
      r.ms.push(...x.latencies);
      r.extra.not_texted += x.missing;
      r.extra.webhook_errors += x.errors;
    }
    r.ms.sort((a, b) => a - b);
    return r;
  };

  const turns: TurnSample[] = [];
  try {
    // 1. ingest vs bare express and vs the floor (web role only: we measure the webhook, not the processing)
    if (on("ingest")) {
      const bare = await startChild("test/bench/bare-express.ts", {}, /listening (\d+)/);
      await load(bare.url); // warm-up
      const b = await load(bare.url);
      await bare.stop();
      // The floor and the app take turns, BENCH_INGEST_ROUNDS times each: the machine drifts by ±5 % over a
      // minute, so one run of each can put the ratio anywhere in 0.85–0.99; each figure is the median
      // round, and the ratio is the median of the rounds' own ratios.
      await load(floor.url); // warm-up
      const web = await startChild("src/main.ts", { ...baseEnv, ROLE: "web", LOG_LEVEL: "info" }, ready);
      await load(web.url); // warm-up (JIT, pool, directory cache)
      const rounds: { f: Awaited<ReturnType<typeof load>>; l: Awaited<ReturnType<typeof load>> }[] = [];
      for (let i = 0; i < INGEST_ROUNDS; i++) rounds.push({ f: await load(floor.url), l: await load(web.url) });
      await web.stop();
      const median = <T>(xs: T[], by: (x: T) => number) => [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)]!;
      const f = median(rounds, (r) => r.f.rps).f;
      const l = median(rounds, (r) => r.l.rps).l;
      const ratios = rounds.map((r) => Math.round((r.l.rps / r.f.rps) * 100) / 100);
      const failed = (k: "f" | "l", what: "non2xx" | "errors") => rounds.reduce((n, r) => n + r[k][what], 0);
      emit("ingest.rps", l.rps, "req/s", { target: ">= 1500", non2xx: failed("l", "non2xx"), errors: failed("l", "errors") });
      emit("ingest.p99_ms", l.p99, "ms", { target: "< 50" });
      emit("ingest.bare_express_rps", b.rps, "req/s");
      emit("ingest.vs_bare_express", l.rps / b.rps, "ratio", { target: ">= 0.25" });
      emit("ingest.floor_rps", f.rps, "req/s", {
        p99_ms: f.p99,
        non2xx: failed("f", "non2xx"),
        errors: failed("f", "errors"),
        floor: "signature + one INSERT + empty TwiML",
      });
      emit(
        "ingest.vs_floor",
        median(ratios, (x) => x),
        "ratio",
        { target: ">= 0.9", rounds: ratios },
      );
    }

    // The ingest run left tens of thousands of SMS events pending (no worker ran): set them aside so
    // the sweeper doesn't replay them now.
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    await c.query(`UPDATE "InboundEvent" SET "status" = 'ignored' WHERE "status" = 'pending'`);
    await c.end();
    await deleteRedisPrefix(REDIS_URL, prefix);

    if (ONE_PROCESS.some(on)) {
      // the model is configured as in production (it answers nothing here until section 4)
      all = await startChild("src/main.ts", { ...baseEnv, ROLE: "all", LOG_LEVEL: "info", OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: model.url }, ready);
      const appUrl = all.url;
      const appPost = signedPoster([appUrl], TOKEN, PUBLIC);
      const post = async (path: string, params: Record<string, string>) => {
        const res = await fetch(appUrl + path, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": twilio.getExpectedTwilioSignature(TOKEN, PUBLIC + path, params),
          },
          body: new URLSearchParams(params),
        });
        await res.arrayBuffer();
        return res;
      };
      /** 50 calls ring, then all 50 are missed at once: dial-status webhook → the text-back at the fake Twilio */
      const textBackRound = async (round: number, beforeDialStatus?: () => Promise<void>): Promise<number[]> => {
        const r = await callRound({
          post: appPost,
          arrivals,
          number: NUMBER,
          phones: Array.from({ length: 50 }, (_, k) => `+1646${round}55${String(k).padStart(4, "0")}`),
          mode: {
            kind: "rang",
            // the phones ring for a while before Twilio reports the dial status: let the call events land
            afterVoice: async (callSids) => {
              await waitForCalls(databaseUrl, callSids);
              await beforeDialStatus?.();
            },
          },
        });
        return r.latencies;
      };

      // 2. missed-call text-back latency, 50 calls at once after ringing
      if (on("textback")) {
        await textBackRound(0); // warms up
        const latencies = await textBackRound(1);
        const floorMs = await floorRang(50);
        const extra = { calls: latencies.length };
        emitWithFloor("missed_call.textback_p50_ms", 50, latencies, floorMs.ms, extra, floorMs.extra);
        emitWithFloor("missed_call.textback_p99_ms", 99, latencies, floorMs.ms, { target: "< 500", ...extra }, floorMs.extra);
      }

      // 2b. a busy line: the dial-status 50 ms after the voice webhook, single calls and 50 at once
      if (on("busy")) {
        const settler = createSettler(databaseUrl);
        try {
          const app = await measureBusyLine({ post: appPost, arrivals, number: NUMBER, phone: phoneSeries("347"), settle: (sids) => settler.settle(sids) });
          const fl = await measureBusyLine({ post: floorPost, arrivals, number: NUMBER, phone: floorPhone });
          const flExtra = { not_texted: fl.missing, webhook_errors: fl.errors };
          const stages = {
            single: await settler.stages(app.singleRounds, arrivals),
            burst: await settler.stages(app.burstRounds, arrivals),
          };
          const extra = (kind: "single" | "burst") => ({
            samples: app[kind].length,
            not_texted: app.missing,
            webhook_errors: app.errors,
            unsettled_rounds: app.unsettled,
            gap_ms: 50,
            ...(kind === "burst"
              ? { callers_at_once: 50, rounds: 2, round_p99_ms: app.burstRoundP99, mps_pacing_min_ms_for_last: Math.round((49 * 1000) / NUMBER_MPS) }
              : { one_at_a_time: true }),
            ...stages[kind],
          });
          emitWithFloor("missed_call.textback_busy_line_single_p50_ms", 50, app.single, fl.single, extra("single"), flExtra);
          emitWithFloor("missed_call.textback_busy_line_single_p99_ms", 99, app.single, fl.single, { target: "< 100", ...extra("single") }, flExtra);
          emitWithFloor("missed_call.textback_busy_line_burst_p50_ms", 50, app.burst, fl.burst, extra("burst"), flExtra);
          emitWithFloor("missed_call.textback_busy_line_burst_p99_ms", 99, app.burst, fl.burst, { target: "< 500", ...extra("burst") }, flExtra);
        } finally {
          await settler.close();
        }
      }

      // 3. speed to lead: 50 website form leads at once → their first text at the fake Twilio; then
      // the floor's form route, the same two rounds
      if (on("form")) {
        const formRound = async (url: string, phones: string[], tag: string) => {
          const postedAt = new Map<string, number>();
          await Promise.all(
            phones.map(async (phone, k) => {
              const body = JSON.stringify({
                name: `Bench Lead ${k}`,
                phone,
                email: `lead${tag}${k}@example.com`,
                message: "Leaking pipe",
                utm_source: "google",
                utm_medium: "cpc",
              });
              postedAt.set(phone, nowMs());
              const res = await fetch(`${url}/webhooks/forms/bench`, {
                method: "POST",
                headers: { "content-type": "application/json", "x-leadline-token": FORM_TOKEN },
                body,
              });
              await res.arrayBuffer();
              if (res.status !== 202) throw new Error(`form webhook answered ${res.status}`);
            }),
          );
          const arrived = await Promise.all(phones.map((p) => arrivals.waitFor(p, 30_000)));
          const out: number[] = [];
          phones.forEach((p, i) => {
            const at = arrived[i];
            if (at !== undefined) out.push(at - postedAt.get(p)!);
          });
          return out.sort((a, b) => a - b);
        };
        let formLatencies: number[] = [];
        for (const round of [0, 1])
          formLatencies = await formRound(
            appUrl,
            Array.from({ length: 50 }, (_, k) => `+1718${round}55${String(k).padStart(4, "0")}`),
            String(round),
          );
        const formPhone = phoneSeries("628");
        let floorForm: number[] = [];
        for (const round of [0, 1])
          floorForm = await formRound(
            floor.url,
            Array.from({ length: 50 }, () => formPhone()),
            `f${round}`,
          );
        emitWithFloor("form.first_text_p50_ms", 50, formLatencies, floorForm, { leads: formLatencies.length });
        emitWithFloor("form.first_text_p99_ms", 99, formLatencies, floorForm, { target: "< 500", leads: formLatencies.length });
      }

      // 4. agent turns, one at a time, each a new homeowner texting: inbound webhook → the reply at
      // the fake Twilio, minus the model's own time (a zero-latency model: ~0)
      const waitForText = async (to: string, timeoutMs: number) => (await arrivals.waitFor(to, timeoutMs)) !== undefined;
      const agentSms = (phone: string, ref: string) =>
        smsParams({ from: phone, to: NUMBER, body: `Hi, my kitchen drain is slow again. Can someone come out and clean it? Ref #${ref}.` });
      const phoneFor = (round: number, k: number) => `+1917${round}55${String(k).padStart(4, "0")}`;
      if (on("agent")) {
        const modelCallsOf = (ref: string) =>
          model.calls.filter((call) => call.body.messages.some((m) => m.role === "user" && typeof m.content === "string" && refOf(m.content) === ref));
        const agentTurn = async (phone: string, ref: string): Promise<TurnSample | undefined> => {
          const params = agentSms(phone, ref);
          const postedAt = nowMs();
          const res = await post("/webhooks/twilio/sms", params);
          if (!res.ok) throw new Error(`sms webhook answered ${res.status}`);
          if (!(await waitForText(phone, 30_000))) return undefined;
          const calls = modelCallsOf(ref);
          return {
            messageSid: params.MessageSid!,
            postedAt,
            arrivedAt: arrivals.first(phone)!,
            totalMs: arrivals.first(phone)! - postedAt,
            modelMs: calls.reduce((a, x) => a + ((x.answeredAt ?? x.receivedAt) - x.receivedAt), 0),
            modelCalls: calls.length,
            promptChars: calls.reduce((a, x) => a + x.messageChars, 0),
            toolsChars: calls.reduce((a, x) => a + x.toolsChars, 0),
            system: (() => {
              const first = calls[0]?.body.messages[0];
              return first?.role === "system" && typeof first.content === "string" ? first.content : "";
            })(),
            reply: fake.requests.find((x) => x.to === phone)?.body ?? "",
          };
        };
        for (let k = 0; k < WARMUP_TURNS; k++) await agentTurn(phoneFor(0, k), `w${k}`);
        let lost = 0;
        for (let k = 0; k < TURNS; k++) {
          const t = await agentTurn(phoneFor(1, k), `m${k}`);
          if (t) turns.push(t);
          else lost++;
        }
        // the floor of a turn: a webhook answered by a text, one at a time (signature, one INSERT,
        // one Messages API call), as many samples as turns
        await floorRang(1, 3); // warm-up
        const floorTurns: number[] = [];
        const floorTurnsExtra = { not_texted: 0, webhook_errors: 0 };
        for (let k = 0; k < turns.length; k++) {
          const f = await floorRang(1, 0);
          floorTurns.push(...f.ms);
          floorTurnsExtra.not_texted += f.extra.not_texted;
          floorTurnsExtra.webhook_errors += f.extra.webhook_errors;
        }
        floorTurns.sort((a, b) => a - b);
        const expectedReply = normalizeGsm7(MODEL_REPLY).body;
        const notAi = turns.filter((t) => t.reply !== expectedReply).length;
        const overhead = turns.map((t) => t.totalMs - t.modelMs).sort((a, b) => a - b);
        const total = turns.map((t) => t.totalMs).sort((a, b) => a - b);
        // the process's first turns after the warm-up still run colder code (JIT tiers, fresh
        // connections): their share of the tail, by the order the turns ran in
        const COLD = 60;
        const inOrder = turns.map((t) => t.totalMs - t.modelMs);
        const part = (xs: number[]) => {
          const s = [...xs].sort((a, b) => a - b);
          return s.length ? { turns: s.length, p50: Math.round(pct(s, 50) * 10) / 10, p99: Math.round(pct(s, 99) * 10) / 10 } : "none";
        };
        const byAge = { [`first_${COLD}`]: part(inOrder.slice(0, COLD)), [`after_${COLD}`]: part(inOrder.slice(COLD)) };
        const turnExtra = { turns: turns.length, no_reply: lost, not_model_reply: notAi, model_calls_per_turn: mean(turns.map((t) => t.modelCalls)) };
        emitWithFloor(
          "agent.turn_overhead_p99_ms",
          99,
          overhead,
          floorTurns,
          {
            target: "< 30",
            p50: Math.round(pct(overhead, 50)),
            model_ms_mean: Math.round(mean(turns.map((t) => t.modelMs)) * 100) / 100,
            by_age: byAge,
            ...turnExtra,
            ...(await turnStages(databaseUrl, turns).catch((e: Error) => ({ stages_ms: `unavailable: ${e.message}` }))),
          },
          { floor: "webhook → text, one at a time (the text-back floor route)", p50: Math.round(pct(floorTurns, 50) * 10) / 10, ...floorTurnsExtra },
        );
        emit("agent.turn_p50_ms", pct(total, 50), "ms", { p99: Math.round(pct(total, 99)), ...turnExtra });
        const systems = turns.map((t) => t.system);
        emit("agent.prompt_tokens_per_turn", mean(turns.map((t) => t.promptChars)) / 4, "tokens", {
          method: "characters of the messages / 4, at the fake model",
          chars_mean: Math.round(mean(turns.map((t) => t.promptChars))),
          tools_schema_tokens: Math.round(mean(turns.map((t) => t.toolsChars)) / 4),
          turns: turns.length,
        });
        emit("agent.prompt_chars_stable_prefix", mean(systems.map((s) => s.length)), "chars", {
          method: "length of the system message",
          distinct_system_messages: new Set(systems).size,
          common_prefix_chars: commonPrefixLength(systems),
        });
      }

      // 5. the text-back again while 40 agent turns wait on a 1.5 s model. 50 calls ring; 40 new
      // homeowners text just before the 50 calls are missed at once.
      //   busy: the calls are missed once the turns wait at the model (their work holds whatever it
      //     holds — workers, connections, locks — for 1.5 s) or the first has waited 500 ms;
      //   busy_burst: the calls are missed right after the 40 webhooks are answered, so the text-backs
      //     compete with the turns' own processing (inbound jobs, events, turn start).
      if (on("loaded")) {
        model.setDelay(BUSY_MODEL_MS);
        const busyRound = async (round: number, waitAtModel: boolean) => {
          const phones = Array.from({ length: BUSY_TURNS }, (_, k) => phoneFor(round, k));
          const seen = { atMiss: 0, peak: 0 };
          let unlisten: (() => void) | undefined;
          const latencies = await textBackRound(round, async () => {
            const firstCall = model.calls.length;
            await Promise.all(phones.map((p, k) => post("/webhooks/twilio/sms", agentSms(p, `b${round}x${k}`))));
            const until = Date.now() + 5_000;
            while (waitAtModel && Date.now() < until) {
              const mine = model.calls.slice(firstCall);
              const waiting = mine.filter((x) => x.answeredAt === undefined);
              if (waiting.length >= BUSY_TURNS || (waiting.length > 0 && nowMs() - Math.min(...waiting.map((x) => x.receivedAt)) >= 500)) break;
              await sleep(5);
            }
            seen.atMiss = model.inFlight();
            unlisten = arrivals.listen(() => {
              seen.peak = Math.max(seen.peak, model.inFlight());
            });
          });
          unlisten?.();
          const answered = (await Promise.all(phones.map((p) => waitForText(p, 30_000)))).filter(Boolean).length;
          return {
            latencies,
            extra: {
              calls: latencies.length,
              turns: BUSY_TURNS,
              model_ms: BUSY_MODEL_MS,
              turns_at_model_when_calls_missed: seen.atMiss,
              turns_at_model_peak_during_textbacks: seen.peak,
              turns_answered: answered,
            },
          };
        };
        const busy = await busyRound(2, true);
        const burst = await busyRound(3, false);
        model.setDelay(0);
        // the floor has no turns to compete with: the same 50 text-backs at once, now
        const floorMs = await floorRang(50);
        emitWithFloor("missed_call.textback_busy_p50_ms", 50, busy.latencies, floorMs.ms, busy.extra, floorMs.extra);
        emitWithFloor("missed_call.textback_busy_p99_ms", 99, busy.latencies, floorMs.ms, { target: "< 500", ...busy.extra }, floorMs.extra);
        emitWithFloor("missed_call.textback_busy_burst_p50_ms", 50, burst.latencies, floorMs.ms, burst.extra, floorMs.extra);
        emitWithFloor("missed_call.textback_busy_burst_p99_ms", 99, burst.latencies, floorMs.ms, { target: "< 500", ...burst.extra }, floorMs.extra);
      }

      // 6. campaigns: the send rate a number keeps, and a text-back from a number that is mid-campaign
      if (on("campaign")) {
        const queues = createQueues(REDIS_URL, prefix);
        try {
          const sentFrom = (from: string) => fake.requests.filter((r) => r.from === from);
          await queueCampaign(databaseUrl, queues, { businessId: campaignBusiness.id, from: CAMPAIGN_NUMBER, count: CAMPAIGN_TEXTS, tag: "7" });
          const rate = await campaignRate(arrivals, campaignPhones("7", CAMPAIGN_TEXTS), CAMPAIGN_MPS, 60_000);
          emit("campaign.mps_error_pct", rate.errorPct, "%", {
            target: "within ±5",
            measured_mps: Math.round(rate.mps * 100) / 100,
            configured_mps: CAMPAIGN_MPS,
            texts: rate.texts,
            busiest_second: rate.busiestSecond,
          });

          const before = sentFrom(NUMBER).length;
          await queueCampaign(databaseUrl, queues, { businessId: benchBusiness.id, from: NUMBER, count: CAMPAIGN_DURING_TEXTBACK, tag: "8" });
          const started = Date.now() + 30_000;
          while (sentFrom(NUMBER).length - before < 100 && Date.now() < started) await sleep(10);
          const atStart = sentFrom(NUMBER).length;
          const during = await textBackRound(4);
          const campaignSent = sentFrom(NUMBER).length - atStart - during.length;
          const floorMs = await floorRang(50);
          emitWithFloor(
            "missed_call.textback_during_campaign_p50_ms",
            50,
            during,
            floorMs.ms,
            { calls: during.length, campaign_texts_sent_meanwhile: campaignSent },
            floorMs.extra,
          );
          emitWithFloor(
            "missed_call.textback_during_campaign_p99_ms",
            99,
            during,
            floorMs.ms,
            {
              target: "< 500, about missed_call.textback_p99_ms",
              calls: during.length,
              campaign_texts_sent_meanwhile: campaignSent,
              campaign_mps: NUMBER_MPS,
            },
            floorMs.extra,
          );
          // the rest of that campaign is sent before the next section measures anything
          await campaignRate(arrivals, campaignPhones("8", CAMPAIGN_DURING_TEXTBACK), NUMBER_MPS, 60_000);
        } finally {
          await queues.close();
        }
      }

      // 9. the AI voice agent: how long the caller waits for the first words beyond the model's own time
      if (on("voice")) {
        const voice = await measureVoiceFirstText({
          appUrl,
          model,
          token: TOKEN,
          publicBaseUrl: PUBLIC,
          number: VOICE_NUMBER,
          calls: VOICE_CALLS,
          firstSentenceMs: VOICE_FIRST_SENTENCE_MS,
          sentenceGapMs: 150,
        });
        const firstText = [...voice.firstText].sort((a, b) => a - b);
        const later = [...voice.laterSentence].sort((a, b) => a - b);
        const voiceExtra = { calls: firstText.length, t_ms: VOICE_FIRST_SENTENCE_MS, measured: "first text frame - final prompt frame - T" };
        emit("voice.first_text_ms", pct(firstText, 50), "ms", { stat: "p50", target: "<= 50", ...voiceExtra });
        emit("voice.first_text_p99_ms", pct(firstText, 99), "ms", { target: "<= 150", ...voiceExtra });
        emit("voice.later_sentence_p99_ms", pct(later, 99), "ms", { target: "<= 20", sentences: later.length });
      }
      await all.stop();
    }

    // 10. the owner console at size: the Inbox's first paint in Chromium, a year's report (a Leadline of its own)
    if (on("console"))
      for (const f of await benchConsoleFigures({ databaseUrl, redisUrl: REDIS_URL, queuePrefix: `${prefix}console` }))
        emit(f.figure, f.value, f.unit, f.extra);

    // 11. two ROLE=web and two ROLE=worker processes over the same database, a Redis prefix of their own
    if (on("two"))
      await measureTwoByTwo({
        baseEnv,
        prefix: `${prefix}s`,
        redisUrl: REDIS_URL,
        databaseUrl,
        token: TOKEN,
        publicBaseUrl: PUBLIC,
        number: NUMBER,
        numberMps: NUMBER_MPS,
        campaign: { businessId: campaignBusiness.id, from: CAMPAIGN_NUMBER, mps: CAMPAIGN_MPS, texts: CAMPAIGN_TEXTS, tag: "6" },
        arrivals,
        textsTo: (to) => fake.requests.filter((r) => r.to === to).map((r) => ({ from: r.from, body: r.body })),
        phone: phoneSeries("680"),
        floorPost,
        floorPhone,
      });

    // 8. planning a 100,000-contact campaign, in a child process so its RSS is its own
    if (on("plan")) {
      const planned = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ["--import", "tsx", "test/bench/campaign-plan.ts", databaseUrl], { timeout: 300_000, maxBuffer: 1 << 20 }, (e, out) =>
          e ? reject(e) : resolve(out),
        ),
      );
      const plan = JSON.parse(planned.trim().split("\n").at(-1)!) as PlanFigures;
      const planExtra = { contacts: plan.contacts, enrolled: plan.enrolled, skipped: plan.skipped };
      emit("campaign.plan_100k_ms", plan.dryRunMs, "ms", { target: "< 20000", ...planExtra });
      emit("campaign.launch_100k_ms", plan.launchMs, "ms", { target: "< 20000", ...planExtra });
      emit("campaign.plan_peak_rss_mb", plan.peakRssMb, "MB", { target: "< 400", ...planExtra });
    }

    // 7. GSM-7 share and segments: the eval corpus' scripted replies, else the replies sent above
    if (on("sms")) {
      const fromEvals = evals !== undefined && evals.replies.length > 0;
      const texts = fromEvals ? evals!.replies : turns.map((t) => t.reply);
      const source = fromEvals
        ? `${EVALS_DIR}/*.yaml content steps (${evals!.files} files; ${evals!.filled} with $labelN/$slotN filled by a sample slot)${evals!.unreadable.length ? `; left out, not valid YAML: ${evals!.unreadable.join(" | ")}` : ""}`
        : `bench agent replies (${evalsError ? `${EVALS_DIR} unreadable: ${evalsError}` : evals ? `no content steps in ${EVALS_DIR}` : `no ${EVALS_DIR}`})`;
      const sms = texts.map((t) => normalizeGsm7(t));
      emit("sms.gsm7_pct", (100 * sms.filter((m) => m.encoding === "GSM-7").length) / Math.max(1, sms.length), "%", {
        target: "100",
        source,
        replies: sms.length,
      });
      emit("sms.segments_mean", mean(sms.map((m) => m.segments)), "segments", {
        target: "<= 1.3",
        source,
        replies: sms.length,
        max: sms.length ? Math.max(...sms.map((m) => m.segments)) : 0,
      });
    }
  } finally {
    await all?.stop();
    await floor.stop();
    await fake.close();
    await model.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

await main();

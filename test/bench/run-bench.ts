// `npm run bench`: one JSON line per figure (ARCHITECTURE.md). Needs Postgres and Redis like the tests.
//   ingest.rps / ingest.p99_ms / ingest.vs_bare_express — signed unique SMS webhooks (autocannon)
//   missed_call.textback_p50_ms / _p99_ms — dial-status webhook → Messages API call at a loopback fake
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import twilio from "twilio";
import { deleteRedisPrefix } from "../helpers/redis-keys.ts";
import pg from "pg";
import { migratePostgres } from "../../src/db/open-database.ts";
import { startLoopbackTwilio } from "../fakes/loopback-twilio.ts";
import { ACCOUNT_SID, callParams, dialStatusParams } from "../fakes/twilio-webhooks.ts";
import { startChild } from "./bench-servers.ts";

const PG = process.env.BENCH_PG ?? "postgresql://postgres@127.0.0.1:5432";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const TOKEN = "bench-token";
const PUBLIC = "https://bench.leadline.test";
const NUMBER = "+15555550100";
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const FORM_TOKEN = "bench-form-token";

function emit(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}) {
  console.log(JSON.stringify({ figure, value: Math.round(value * 100) / 100, unit, ...extra }));
}

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

function pct(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const runId = randomBytes(3).toString("hex");
  const dbName = `leadline_bench_${runId}`;
  const prefix = `llbench${runId}`;
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
      `slug: bench\nname: Bench Plumbing\ntimezone: America/New_York\nphoneNumbers: ["${NUMBER}"]\nforwardTo: ["+15555550199"]\nhours: { mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"], thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"] }\nmessaging: { mps: 200 }\nforms: { token: ${FORM_TOKEN} }\n`,
    ),
  );
  await db.close();
  const fake = await startLoopbackTwilio();
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
  try {
    // 1. ingest vs bare express (web role only: we measure the webhook, not the processing)
    const bare = await startChild("test/bench/bare-express.ts", {}, /listening (\d+)/);
    await load(bare.url); // warm-up
    const b = await load(bare.url);
    await bare.stop();
    const web = await startChild("src/main.ts", { ...baseEnv, ROLE: "web", LOG_LEVEL: "info" }, ready);
    await load(web.url); // warm-up (JIT, pool, directory cache)
    const l = await load(web.url);
    await web.stop();
    emit("ingest.rps", l.rps, "req/s", { target: ">= 1500", non2xx: l.non2xx, errors: l.errors });
    emit("ingest.p99_ms", l.p99, "ms", { target: "< 50" });
    emit("ingest.bare_express_rps", b.rps, "req/s");
    emit("ingest.vs_bare_express", l.rps / b.rps, "ratio", { target: ">= 0.25" });

    // 2. missed-call text-back latency, 50 calls at once. The ingest run left tens of thousands of
    // SMS events pending (no worker ran): set them aside so the sweeper doesn't replay them now.
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    await c.query(`UPDATE "InboundEvent" SET "status" = 'ignored' WHERE "status" = 'pending'`);
    await c.end();
    await deleteRedisPrefix(REDIS_URL, prefix);
    const all = await startChild("src/main.ts", { ...baseEnv, ROLE: "all", LOG_LEVEL: "info" }, ready);
    const post = (path: string, params: Record<string, string>) =>
      fetch(all.url + path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilio.getExpectedTwilioSignature(TOKEN, PUBLIC + path, params) },
        body: new URLSearchParams(params),
      });
    const latencies: number[] = [];
    for (const round of [0, 1]) {
      // round 0 warms up; round 1 is measured
      const calls = Array.from({ length: 50 }, (_, k) => callParams({ from: `+1646${round}55${String(k).padStart(4, "0")}`, to: NUMBER }));
      await Promise.all(calls.map((c) => post("/webhooks/twilio/voice", c)));
      // the phones ring for a while before Twilio reports the dial status: let the call events land
      await waitForCalls(
        databaseUrl,
        calls.map((c) => c.CallSid!),
      );
      const sentAt = new Map<string, number>();
      await Promise.all(
        calls.map(async (c) => {
          sentAt.set(c.From!, performance.timeOrigin + performance.now());
          await post("/webhooks/twilio/voice/dial-status", dialStatusParams(c, "no-answer"));
        }),
      );
      const until = Date.now() + 30_000;
      while (calls.some((c) => !fake.requests.some((r) => r.to === c.From)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      if (round === 1)
        for (const c of calls) {
          const r = fake.requests.find((x) => x.to === c.From);
          if (r) latencies.push(r.at - sentAt.get(c.From!)!);
        }
    }
    latencies.sort((a, b) => a - b);
    emit("missed_call.textback_p50_ms", pct(latencies, 50), "ms", { calls: latencies.length });
    emit("missed_call.textback_p99_ms", pct(latencies, 99), "ms", { target: "< 500", calls: latencies.length });

    // 3. speed to lead: 50 website form leads at once → their first text at the fake Twilio
    const formLatencies: number[] = [];
    for (const round of [0, 1]) {
      const phones = Array.from({ length: 50 }, (_, k) => `+1718${round}55${String(k).padStart(4, "0")}`);
      const postedAt = new Map<string, number>();
      await Promise.all(
        phones.map(async (phone, k) => {
          postedAt.set(phone, performance.timeOrigin + performance.now());
          const res = await fetch(`${all.url}/webhooks/forms/bench`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-leadline-token": FORM_TOKEN },
            body: JSON.stringify({
              name: `Bench Lead ${k}`,
              phone,
              email: `lead${round}${k}@example.com`,
              message: "Leaking pipe",
              utm_source: "google",
              utm_medium: "cpc",
            }),
          });
          if (res.status !== 202) throw new Error(`form webhook answered ${res.status}`);
        }),
      );
      const until = Date.now() + 30_000;
      while (phones.some((p) => !fake.requests.some((r) => r.to === p)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      if (round === 1)
        for (const p of phones) {
          const r = fake.requests.find((x) => x.to === p);
          if (r) formLatencies.push(r.at - postedAt.get(p)!);
        }
    }
    await all.stop();
    formLatencies.sort((a, b) => a - b);
    emit("form.first_text_p50_ms", pct(formLatencies, 50), "ms", { leads: formLatencies.length });
    emit("form.first_text_p99_ms", pct(formLatencies, 99), "ms", { target: "< 500", leads: formLatencies.length });
  } finally {
    await fake.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

await main();

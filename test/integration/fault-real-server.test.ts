// Faults the way production meets them: the real server (`src/main.ts`) in its own process, its
// own Redis restarted empty, its Postgres cut at the network. Nothing here calls a sweep by hand.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyBusinessProfile } from "../../src/business/apply-business-profile.ts";
import { ZProfile } from "../../src/config/profile-schema.ts";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import { startChild, type Child } from "../bench/bench-servers.ts";
import { startLoopbackTwilio, type LoopbackTwilio } from "../fakes/loopback-twilio.ts";
import { ACCOUNT_SID, callParams, dialStatusParams, postTwilio, smsParams } from "../fakes/twilio-webhooks.ts";
import { PG_HOST, PG_PORT, PG_USER, pgAdmin } from "../helpers/pg-admin.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";
import { ACME_NUMBER, PUBLIC_BASE_URL, REDIS_URL, TWILIO_TOKEN, acmeProfile, createTestDatabase } from "../helpers/test-leadline.ts";
import { deleteRedisPrefix } from "../helpers/redis-keys.ts";
import { waitFor } from "../helpers/wait-for.ts";

const SWEEP_MS = 1500;
const ALL_DAY = ["00:00-24:00"];

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** A Redis of the test's own (never the machine's shared one), empty on every start. */
async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const r = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => {});
  await waitFor(async () => {
    try {
      await r.connect().catch(() => {});
      return (await r.ping()) === "PONG";
    } catch {
      return false;
    }
  }, "redis-server up");
  r.disconnect();
  return p;
}

async function killed(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const gone = new Promise((r) => p.once("exit", r));
  p.kill("SIGKILL");
  await gone;
}

let fake: LoopbackTwilio;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  fake = await startLoopbackTwilio();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await fake.close();
});

async function database() {
  const db = await createTestDatabase();
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
  const profile = acmeProfile({ hours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY } });
  await applyBusinessProfile(prisma, ZProfile.parse(profile));
  cleanups.push(async () => {
    await prisma.$disconnect();
    await pgAdmin(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
  });
  return { ...db, prisma };
}

async function server(env: Record<string, string>): Promise<Child> {
  const dataDir = mkdtempSync(join(tmpdir(), "leadline-fault-"));
  const child = await startChild(
    "src/main.ts",
    {
      PORT: "0",
      PUBLIC_BASE_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_API_BASE_URL: fake.url,
      MIGRATE_ON_START: "false",
      LOG_LEVEL: "info",
      SWEEP_INTERVAL_MS: String(SWEEP_MS),
      DATA_DIR: dataDir,
      ...env,
    },
    /"port":(\d+).*web listening/,
  );
  // the worker half starts after the web half: wait for it before cutting anything
  await waitFor(() => child.log().includes("workers running"), "workers running", 20_000);
  cleanups.push(async () => {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return Object.assign(child, { dataDir });
}

const textsTo = (phone: string) => fake.requests.filter((r) => r.to === phone);

describe("Redis restarted empty under the running server", () => {
  it("every SMS acknowledged while Redis was away is processed within two sweeps of it coming back, once", async () => {
    const db = await database();
    const port = await freePort();
    let redis = await startRedis(port);
    const prefix = `llfault${randomBytes(3).toString("hex")}`;
    const app = await server({ DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${port}`, QUEUE_PREFIX: prefix });
    cleanups.push(() => killed(redis));

    await killed(redis); // Redis gone: the webhooks must still be acknowledged (they are in Postgres)
    const phones = Array.from({ length: 20 }, (_, i) => `+1212555${String(7100 + i)}`);
    const answers = await Promise.all(
      phones.map((from) =>
        postTwilio(app.url, PUBLIC_BASE_URL, TWILIO_TOKEN, "/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body: "is anyone there?" })),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(phones.map(() => 200));
    expect(await db.prisma.inboundEvent.count({ where: { kind: "sms", status: "pending" } })).toBe(20);

    redis = await startRedis(port); // back, with nothing in it
    const back = Date.now();
    await waitFor(() => phones.every((p) => textsTo(p).length >= 1), "an answer to every SMS", 2 * SWEEP_MS + 8000);
    const took = Date.now() - back;
    await new Promise((r) => setTimeout(r, 2 * SWEEP_MS)); // two more sweeps: nothing is sent twice
    expect(phones.map((p) => textsTo(p).length)).toEqual(phones.map(() => 1));
    expect(await db.prisma.inboundEvent.count({ where: { kind: "sms", status: "processed" } })).toBe(20);
    expect(took).toBeLessThan(2 * SWEEP_MS + 8000);
    await deleteRedisPrefix(`redis://127.0.0.1:${port}`, prefix).catch(() => {});
    expect(REDIS_URL).not.toContain(String(port)); // the machine's shared Redis was never touched
  }, 60_000);
});

describe("Postgres unreachable under the running server", () => {
  it("missed calls during the outage are journaled, then each is texted back once when Postgres returns", async () => {
    const db = await database();
    const proxy: TcpProxy = await startTcpProxy(PG_HOST, PG_PORT);
    cleanups.push(() => proxy.close());
    const prefix = `llfault${randomBytes(3).toString("hex")}`;
    const app = await server({ DATABASE_URL: `postgresql://${PG_USER}@127.0.0.1:${proxy.port}/${db.name}`, REDIS_URL, QUEUE_PREFIX: prefix });
    cleanups.push(() => deleteRedisPrefix(REDIS_URL, prefix));

    await proxy.down();
    const callers = Array.from({ length: 20 }, (_, i) => `+1646555${String(7200 + i)}`);
    const xml = await Promise.all(
      callers.map(async (from) => {
        const call = callParams({ from, to: ACME_NUMBER });
        const ring = await postTwilio(app.url, PUBLIC_BASE_URL, TWILIO_TOKEN, "/webhooks/twilio/voice", call);
        expect(await ring.text()).toContain("<Dial"); // the phone still rings through
        const end = await postTwilio(app.url, PUBLIC_BASE_URL, TWILIO_TOKEN, "/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
        expect(end.status).toBe(200);
        return end.text();
      }),
    );
    expect(xml.every((x) => x.includes("<Record"))).toBe(true); // voicemail offered, not dead air
    const journal = join((app as Child & { dataDir: string }).dataDir, "journal");
    expect(readdirSync(journal).length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 3000)); // still down for a while
    expect(fake.requests.filter((r) => callers.includes(r.to))).toHaveLength(0);

    await proxy.up();
    await waitFor(() => callers.every((c) => textsTo(c).length >= 1), "a text-back to every caller", 30_000);
    await new Promise((r) => setTimeout(r, 2 * SWEEP_MS));
    expect(callers.map((c) => textsTo(c).length)).toEqual(callers.map(() => 1));
    expect(readdirSync(journal)).toEqual([]);
    expect(await db.prisma.call.count({ where: { status: "missed" } })).toBe(20);
  }, 90_000);
});

// The phone always rings through, even when the database and Redis are gone.
import { afterAll, beforeAll, expect, it } from "vitest";
import { callParams, dialStatusParams } from "../fakes/twilio-webhooks.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";
import { PG_HOST, PG_PORT, PG_USER } from "../helpers/pg-admin.ts";
import { ACME_FORWARD, ACME_NUMBER, acmeProfile, createTestDatabase, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";

let t: TestLeadline;
let pgProxy: TcpProxy;
let redisProxy: TcpProxy;
let database: { name: string; url: string };

beforeAll(async () => {
  database = await createTestDatabase();
  pgProxy = await startTcpProxy(PG_HOST, PG_PORT);
  redisProxy = await startTcpProxy("127.0.0.1", 6379);
  t = await startTestLeadline({
    env: { ROLE: "web", DATABASE_URL: `postgresql://${PG_USER}@127.0.0.1:${pgProxy.port}/${database.name}`, REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` },
    database,
    directoryTtlMs: 50, // refresh all the time: every refresh fails once the database is cut
  });
  await t.apply(acmeProfile());
  // one call while everything is up warms the directory
  const warm = await t.post("/webhooks/twilio/voice", callParams({ from: "+12125550100", to: ACME_NUMBER }));
  expect(await warm.text()).toContain("<Dial");
});
afterAll(async () => {
  await t.close().catch(() => {});
  await pgProxy.close();
  await redisProxy.close();
});

it("with Postgres and Redis down, an incoming call still rings forwardTo, and /readyz says so", async () => {
  await pgProxy.cut();
  await redisProxy.cut();
  const started = Date.now();
  const res = await t.post("/webhooks/twilio/voice", callParams({ from: "+12125550101", to: ACME_NUMBER }));
  expect(res.status).toBe(200);
  const xml = await res.text();
  expect(xml).toContain("<Dial");
  expect(xml).toContain(`>${ACME_FORWARD}</Number>`);
  expect(Date.now() - started).toBeLessThan(10_000); // bounded, not hung on the dead database
  const ready = await fetch(`${t.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ postgres: "down", redis: "down" });
  expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
});

it("a missed call while the database is down still offers voicemail rather than dead air", async () => {
  const call = callParams({ from: "+12125550102", to: ACME_NUMBER });
  const res = await t.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("<Record");
});

it("lookups that miss while Postgres is down (an unknown form slug, twice) never make the directory forget a business", async () => {
  for (let i = 0; i < 2; i++) {
    const miss = await fetch(`${t.url}/webhooks/forms/no-such-business`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(miss.status).toBe(404);
    await new Promise((r) => setTimeout(r, 1100)); // past the once-a-second reload on a miss
  }
  const res = await t.post("/webhooks/twilio/voice", callParams({ from: "+12125550103", to: ACME_NUMBER }));
  expect(await res.text()).toContain(`>${ACME_FORWARD}</Number>`);
});

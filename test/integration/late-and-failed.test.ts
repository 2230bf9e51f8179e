// Late beats never only up to a point: a missed call processed hours after it came in (an outage)
// is not texted back; the office is told. And a job BullMQ left `failed` never blocks the sweeper.
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createQueues } from "../../src/jobs/queues.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { callParams, dialStatusParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, REDIS_URL, acmeProfile, deleteRedisPrefix, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline();
  await t.apply(acmeProfile({ textBack: { windowMinutes: 30, maxAgeMinutes: 120 } }));
});
afterEach(async () => {
  twilio.reset();
  await t.ctx.queues.byName.urgent.resume();
});
afterAll(() => t.close());

it("a missed call processed 3 hours late is not texted back; the office gets one alert naming the caller and the delay", async () => {
  t.clock.set("2026-11-18T19:02:00Z"); // Wed 14:02 in New York
  await t.ctx.queues.byName.urgent.pause(); // the worker is stuck (an outage) …
  const from = "+12125557301";
  const call = callParams({ from, to: ACME_NUMBER });
  await t.post("/webhooks/twilio/voice", call);
  await t.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
  t.clock.advance(3 * 3600_000); // … for three hours
  await t.ctx.queues.byName.urgent.resume();
  const alert = await waitFor(() => t.ctx.prisma.alert.findFirst({ where: { kind: "late-textback" } }), "the late alert");
  expect(alert.message).toMatch(/Missed call Wed 2:02 PM from \(212\) 555-7301, not texted: 3 h late/);
  await settle(300);
  expect(twilio.attempts.filter((m) => m.To === from)).toHaveLength(0);
  expect(await t.ctx.prisma.call.findFirst({ where: { fromNumber: from } })).toMatchObject({ status: "missed" });
  expect(await t.ctx.prisma.alert.count({ where: { kind: "late-textback" } })).toBe(1);
});

it("the same missed call within its maximum age is texted back as usual", async () => {
  t.clock.set("2026-11-18T19:02:00Z");
  await t.ctx.queues.byName.urgent.pause();
  const from = "+12125557302";
  const call = callParams({ from, to: ACME_NUMBER });
  await t.post("/webhooks/twilio/voice", call);
  await t.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
  t.clock.advance(90 * 60_000); // an hour and a half: late, not too late
  await t.ctx.queues.byName.urgent.resume();
  await waitFor(() => twilio.sent.some((m) => m.To === from), "the text-back");
});

it("a job left failed (after every retry, e.g. during a database outage) does not block the sweeper's re-add", async () => {
  const prefix = `llfail${randomBytes(3).toString("hex")}`;
  const queues = createQueues(REDIS_URL, prefix, { retryBaseMs: 10 });
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  let fail = true;
  const ran: string[] = [];
  const worker = new Worker(
    "inbound",
    async (job) => {
      ran.push(String(job.id));
      if (fail) throw new Error("database down");
    },
    { connection, prefix },
  );
  try {
    const id = `cevt${randomBytes(8).toString("hex")}`;
    await queues.enqueueInbound(id);
    const q: Queue = queues.byName.inbound;
    await waitFor(async () => (await q.getJob(id).then((j) => j?.getState())) === "failed", "the job failed for good", 15_000);
    fail = false;
    await queues.requeue("process-inbound", "conversation", id, { eventId: id }); // what the sweeper does
    await waitFor(async () => (await q.getJob(id).then((j) => j?.getState())) === "completed", "the job ran again and completed");
    expect(ran.filter((x) => x === id).length).toBeGreaterThan(1);
  } finally {
    await worker.close();
    await queues.close();
    connection.disconnect();
    await deleteRedisPrefix(prefix);
  }
});

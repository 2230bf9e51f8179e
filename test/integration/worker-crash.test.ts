// A worker killed mid-job: the event is not lost, and the text is not sent twice.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startLoopbackTwilio, type LoopbackTwilio } from "../fakes/loopback-twilio.ts";
import { ACCOUNT_SID, callParams, dialStatusParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, PUBLIC_BASE_URL, REDIS_URL, TWILIO_TOKEN, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { createClock } from "../helpers/test-clock.ts";
import { SEND_SETTLES_MS } from "../../src/messaging/deliver-message.ts";

let fake: LoopbackTwilio;
let web: TestLeadline;
let child: ChildProcess | undefined;

beforeAll(async () => {
  fake = await startLoopbackTwilio();
  web = await startTestLeadline({ env: { ROLE: "web" } });
  await web.apply(acmeProfile());
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await web.close();
  await fake.close();
});

function startChildWorker(): Promise<ChildProcess> {
  const p = spawn(process.execPath, ["--import", "tsx", "test/helpers/worker-child.ts"], {
    env: {
      ...process.env,
      ROLE: "worker",
      DATABASE_URL: web.database.url,
      REDIS_URL,
      QUEUE_PREFIX: web.prefix,
      PUBLIC_BASE_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_API_BASE_URL: fake.url,
      MIGRATE_ON_START: "false",
      LOG_LEVEL: "silent",
      PORT: "0",
      TEST_LOCK_MS: "1000",
      TEST_CLOCK_ISO: web.clock.now().toISOString(),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((ok, fail) => {
    p.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && ok(p));
    p.on("exit", (code) => fail(new Error(`worker exited early (${code})`)));
  });
}

/**
 * The worker after the killed one. Its clock is past the time a live send can take, measured from
 * the killed worker's clock (the web process's): a send that worker claimed is certainly dead, so
 * it is looked up at once (one that might still be at Twilio is waited for, never looked up). On a
 * clock of its own, behind the web's, the killed worker's claim looked live for 35 s.
 */
function startNextWorker(): Promise<TestLeadline> {
  return startTestLeadline({
    env: { ROLE: "worker", TWILIO_API_BASE_URL: fake.url },
    database: web.database,
    prefix: web.prefix,
    lockDurationMs: 1000,
    clock: createClock(new Date(web.clock.now().getTime() + SEND_SETTLES_MS).toISOString()),
  });
}

it("kill -9 while the text-back is at Twilio: the call is recorded, the text is found in Twilio's records and adopted, never sent twice", async () => {
  fake.hangNext(1);
  child = await startChildWorker();
  const from = "+13105550111";
  const call = callParams({ from, to: ACME_NUMBER });
  await web.post("/webhooks/twilio/voice", call);
  await web.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
  await waitFor(() => fake.requests.some((r) => r.to === from), "text-back at Twilio", 20_000);
  child.kill("SIGKILL");
  await new Promise((r) => child!.once("exit", r));
  child = undefined;

  const worker = await startNextWorker();
  try {
    // the stalled job runs again, finds the row `sending`, and asks Twilio's Messages list before anything else
    const msg = await waitFor(
      async () => {
        const m = await worker.ctx.prisma.message.findFirst({ where: { toNumber: from, purpose: "textback" } });
        return m?.status === "sent" ? m : undefined;
      },
      "stalled send found at Twilio and adopted",
      20_000,
    );
    expect(msg.providerId).toBe(fake.requests.find((r) => r.to === from)?.sid);
    // the re-run of the dial-status event finishes its bookkeeping after handing the send over
    await waitFor(
      async () => (await worker.ctx.prisma.inboundEvent.findFirstOrThrow({ where: { externalId: `dial-${call.CallSid}` } })).status === "processed",
      "event processed",
      20_000,
    );
    expect((await worker.ctx.prisma.call.findUniqueOrThrow({ where: { callSid: call.CallSid! } })).status).toBe("missed");
    expect(fake.requests.filter((r) => r.to === from)).toHaveLength(1);
  } finally {
    await worker.close({ keepData: true });
  }
});

it("kill -9 before an event is processed: the next worker processes it, once", async () => {
  // no worker is running: the event waits in Redis and Postgres
  const from = "+13105550112";
  const call = callParams({ from, to: ACME_NUMBER });
  await web.post("/webhooks/twilio/voice", call);
  await web.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "busy"));
  child = await startChildWorker();
  child.kill("SIGKILL"); // dies as soon as it is up, maybe mid-job
  await new Promise((r) => child!.once("exit", r));
  child = undefined;
  const worker = await startNextWorker();
  try {
    await waitFor(() => fake.requests.some((r) => r.to === from), "text-back", 20_000);
    await new Promise((r) => setTimeout(r, 1500)); // past one stall interval: a stalled duplicate would show now
    expect(fake.requests.filter((r) => r.to === from)).toHaveLength(1);
  } finally {
    await worker.close({ keepData: true });
  }
});

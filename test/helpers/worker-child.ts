// A worker in its own process, so a test can kill -9 it mid-job. TEST_CLOCK_ISO puts it on the
// same (fake, flowing) time as the test's web process: one clock across the two.
import { parseEnv } from "../../src/config/env.ts";
import { startLeadline } from "../../src/boot/start-leadline.ts";
import { createClock } from "./test-clock.ts";

const clock = process.env.TEST_CLOCK_ISO ? createClock(process.env.TEST_CLOCK_ISO) : undefined;
await startLeadline(parseEnv(process.env), {
  sweepEveryMs: 0,
  retryBaseMs: 20,
  lockDurationMs: Number(process.env.TEST_LOCK_MS ?? 1000),
  ...(clock ? { clock } : {}),
});
process.stdout.write("ready\n");

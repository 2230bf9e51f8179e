// A worker in its own process, so a test can kill -9 it mid-job.
import { parseEnv } from "../../src/config/env.ts";
import { startLeadline } from "../../src/boot/start-leadline.ts";

await startLeadline(parseEnv(process.env), { sweepEveryMs: 0, retryBaseMs: 20, lockDurationMs: Number(process.env.TEST_LOCK_MS ?? 1000) });
process.stdout.write("ready\n");

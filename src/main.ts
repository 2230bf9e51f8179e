import { ConfigError, parseEnv, type TEnv } from "./config/env.ts";
import { startLeadline, type Leadline } from "./boot/start-leadline.ts";
import { runReplay } from "./replay/run-replay.ts";
import { ensureRedis, RedisSetupError, type EnsuredRedis } from "./boot/ensure-redis.ts";
import { DatabaseBusyError } from "./db/open-database.ts";
import { createLogger } from "./lib/logger.ts";
import { buildConsoleClient } from "./console/build-console-client.ts";

try {
  process.loadEnvFile();
} catch {
  // no .env file: fine
}

let env: TEnv;
try {
  env = parseEnv(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

const log = createLogger(env.LOG_LEVEL);
let redis: EnsuredRedis;
try {
  // REDIS_URL unset and nothing on 127.0.0.1:6379: a local redis-server for as long as we run
  redis = await ensureRedis(env, log);
} catch (e) {
  if (e instanceof RedisSetupError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

try {
  // the console's client, when the build is missing or older than its sources (a git pull without npm install)
  if (await buildConsoleClient()) log.info("console client built");
} catch (e) {
  log.error({ err: (e as Error).message }, "console client build failed: /console will say so");
}

let leadline: Leadline;
try {
  leadline = await startLeadline({ ...env, REDIS_URL: redis.url }, { log, runReplay });
} catch (e) {
  await redis.stop();
  if (e instanceof DatabaseBusyError) {
    // another `npm start` holds the embedded database: one line, no stack trace
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log.info({ sig }, "shutting down");
    leadline
      .close()
      .then(() => redis.stop())
      .then(() => process.exit(0))
      .catch(async (err: unknown) => {
        log.error({ err }, "shutdown failed");
        await redis.stop().catch(() => {});
        process.exit(1);
      });
  });
}

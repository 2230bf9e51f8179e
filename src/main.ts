import { ConfigError, parseEnv } from "./config/env.ts";
import { startLeadline } from "./boot/start-leadline.ts";

try {
  process.loadEnvFile();
} catch {
  // no .env file: fine
}

let env;
try {
  env = parseEnv(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

const leadline = await startLeadline(env);
let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    leadline.ctx.log.info({ sig }, "shutting down");
    leadline
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        leadline.ctx.log.error({ err }, "shutdown failed");
        process.exit(1);
      });
  });
}

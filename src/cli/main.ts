// `npm run cli -- …`. With no DATABASE_URL it reaches the embedded database: directly, or through
// the loopback port a running `npm start` serves it on (see src/db/open-database.ts).
import { Command } from "commander";
import { ConfigError, parseEnv } from "../config/env.ts";
import { ProfileError } from "../config/parse-profile.ts";
import { openDatabase, type Database } from "../db/open-database.ts";
import { AppError } from "../lib/errors.ts";
import { DEV_TWILIO_TOKEN } from "../boot/start-leadline.ts";
import { applyBusinessCommand, listBusinessesCommand } from "./business-commands.ts";
import { simulateMissedCall, simulateSms } from "./simulate-commands.ts";

try {
  process.loadEnvFile();
} catch {
  // no .env: fine
}

const out = (s: string) => process.stdout.write(s + "\n");

async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const env = parseEnv(process.env);
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: 2 });
  try {
    if (db.kind !== "pglite-remote") await db.migrate();
    return await fn(db);
  } finally {
    await db.close();
  }
}

function simTarget(opts: { url?: string }) {
  const env = parseEnv(process.env);
  return {
    url: (opts.url ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, ""),
    publicBaseUrl: env.PUBLIC_BASE_URL,
    token: env.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_TOKEN,
    accountSid: env.TWILIO_ACCOUNT_SID ?? "AC" + "0".repeat(32),
  };
}

const program = new Command().name("leadline").description("Leadline command line").showHelpAfterError();
const business = program.command("business").description("business profiles");
business
  .command("apply")
  .argument("<file>", "profile YAML")
  .description("create or update a business from its profile (by slug); prints its id")
  .action((file: string) => withDb((db) => applyBusinessCommand(db.prisma, file, out)));
business
  .command("list")
  .description("list businesses")
  .action(() => withDb((db) => listBusinessesCommand(db.prisma, out)));

const simulate = program.command("simulate").description("post signed Twilio webhooks at a running server (local trials)");
simulate
  .command("missed-call")
  .requiredOption("--from <number>", "the caller")
  .requiredOption("--to <number>", "a business number")
  .option("--url <url>", "server to post to (default http://127.0.0.1:$PORT)")
  .action((o: { from: string; to: string; url?: string }) => simulateMissedCall(simTarget(o), o.from, o.to, out));
simulate
  .command("sms")
  .requiredOption("--from <number>", "the texter")
  .requiredOption("--to <number>", "a business number")
  .requiredOption("--body <text>", "message text")
  .option("--url <url>", "server to post to (default http://127.0.0.1:$PORT)")
  .action((o: { from: string; to: string; body: string; url?: string }) => simulateSms(simTarget(o), o.from, o.to, o.body, out));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ConfigError || e instanceof ProfileError || e instanceof AppError) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}

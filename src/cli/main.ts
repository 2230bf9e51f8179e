// `npm run cli -- …`. With no DATABASE_URL it uses the embedded database: it opens ./data itself,
// or, while a running `npm start` holds it, sends the command to that server (src/cli/reach-server.ts).
import { Command } from "commander";
import { ConfigError, parseEnv } from "../config/env.ts";
import { ProfileError } from "../config/parse-profile.ts";
import { DatabaseBusyError, openDatabase, type Database } from "../db/open-database.ts";
import { cliOperations, type CliOperations, ZTokenLabel } from "../http/local-cli-routes.ts";
import { systemClock } from "../lib/clock.ts";
import { AppError } from "../lib/errors.ts";
import { ZSlugValue } from "../lib/schemas.ts";
import { DEV_TWILIO_TOKEN } from "../boot/start-leadline.ts";
import { applyBusinessCommand, listBusinessesCommand } from "./business-commands.ts";
import { findRunningServer, remoteOperations } from "./reach-server.ts";
import { createTokenCommand } from "./token-commands.ts";
import { importContactsCommand } from "./contacts-commands.ts";
import { campaignStatusCommand, launchCampaignCommand, switchCampaignCommand } from "./campaign-commands.ts";
import { simulateMissedCall, simulateSms } from "./simulate-commands.ts";
import { profilesFromDb, promptsCheckCommand, storedPromptsFromDb } from "./prompts-commands.ts";
import { addAgentCommands } from "./agent-commands.ts";

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
    await db.migrate();
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** The CLI's database commands: carried out by a running server that holds the embedded database, else here. */
async function withOps<T>(fn: (ops: CliOperations, via: string) => Promise<T>): Promise<T> {
  const env = parseEnv(process.env);
  for (let attempt = 0; ; attempt++) {
    const server = env.DATABASE_URL ? undefined : await findRunningServer(env.DATA_DIR);
    if (server) return fn(remoteOperations(server), ` through the running server (pid ${server.pid})`);
    try {
      return await withDb((db) => fn(cliOperations({ prisma: db.prisma, clock: systemClock }), ""));
    } catch (e) {
      // a server claimed the database between the look and the open: go through it
      if (e instanceof DatabaseBusyError && e.holder?.serve && attempt < 2) continue;
      throw e;
    }
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
  .action((file: string) => withOps((ops, via) => applyBusinessCommand(ops, file, out, via)));
business
  .command("list")
  .description("list businesses")
  .action(() => withOps((ops) => listBusinessesCommand(ops, out)));

const token = program.command("token").description("admin API tokens");
token
  .command("create")
  .argument("<slug>", "the business the token may see")
  .option("--label <text>", "what the token is for (shown in the database, never the token)")
  .description("create a per-business admin token; prints it once (only its sha256 is stored)")
  .action((slug: string, o: { label?: string }) => {
    const s = ZSlugValue.safeParse(slug);
    if (!s.success) throw new AppError("bad_request", `slug: ${s.error.issues[0]!.message}`);
    const label = o.label === undefined ? undefined : ZTokenLabel.safeParse(o.label);
    if (label && !label.success) throw new AppError("bad_request", "--label: 1 to 200 characters");
    return withOps((ops, via) => createTokenCommand(ops, s.data, label?.data, out, via));
  });

program
  .command("contacts")
  .description("past customers")
  .command("import")
  .argument("<slug>", "the business")
  .argument("<file>", "CSV with a header: name,phone,email,zip,last_job_date,tags (aliases such as mobile, postal_code, first_name/last_name accepted)")
  .option("--consent <scope>", "record consent for every imported contact: marketing")
  .option("--consent-source <text>", "where and how they agreed (stored as the consent's wording)")
  .description("import past customers: merged by phone into existing contacts; bad rows listed, good rows kept")
  .action((slug: string, file: string, o: { consent?: string; consentSource?: string }) => {
    const s = ZSlugValue.safeParse(slug);
    if (!s.success) throw new AppError("bad_request", `slug: ${s.error.issues[0]!.message}`);
    return withOps((ops, via) => importContactsCommand(ops, s.data, file, o, out, via));
  });

const campaign = program.command("campaign").description("sequences launched at a segment of contacts (reactivation and the like)");
campaign
  .command("launch")
  .argument("<slug>", "the business")
  .argument("<sequence>", "a sequence under prompts/sequences whose trigger is campaign (e.g. seasonal-reactivation)")
  .option("--segment <expr>", 'which contacts, e.g. "last_job_older_than:12mo tag:furnace zip:100*" (terms ANDed; a,b for either; -term to exclude)')
  .option("--dry-run", "print who would get what and when (their local time), and who is skipped and why; write nothing")
  .description("enroll a segment of contacts in a sequence")
  .action((slug: string, sequence: string, o: { segment?: string; dryRun?: boolean }) =>
    withOps((ops, via) => launchCampaignCommand(ops, { slug, sequence, segment: o.segment, dryRun: o.dryRun }, out, via)),
  );
campaign
  .command("status")
  .argument("<slug>", "the business")
  .description("each campaign's progress: sent, scheduled, stopped and skipped, and why")
  .action((slug: string) => withOps((ops) => campaignStatusCommand(ops, checkSlug(slug), out)));
for (const [name, running] of [
  ["pause", false],
  ["resume", true],
] as const) {
  campaign
    .command(name)
    .argument("<slug>", "the business")
    .argument("<id>", "the campaign id (campaign status shows it)")
    .description(running ? "send the campaign's steps again" : "stop sending the campaign's steps (what was waiting is taken back)")
    .action((slug: string, id: string) => withOps((ops) => switchCampaignCommand(ops, checkSlug(slug), id, running, out)));
}

function checkSlug(slug: string): string {
  const s = ZSlugValue.safeParse(slug);
  if (!s.success) throw new AppError("bad_request", `slug: ${s.error.issues[0]!.message}`);
  return s.data;
}

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

program
  .command("prompts")
  .description("system prompts and templates")
  .command("check")
  .argument("[slug]", "one business (default: every business in the database)")
  .option("--profile <file>", "check against this profile YAML instead of the database (repeatable)", (f: string, all: string[]) => [...all, f], [] as string[])
  .option("--prompts <dir>", "the prompts folder (default: prompts/ in the package)")
  .description("unknown variables, missing tools, reply and token budgets, with file:line; exit 1 on a problem")
  .action(async (slug: string | undefined, o: { profile: string[]; prompts?: string }) => {
    const loadDbProfiles = (s?: string) => withDb((db) => profilesFromDb(db.prisma, s));
    const loadStoredPrompts = (s?: string) => withDb((db) => storedPromptsFromDb(db.prisma, s));
    process.exitCode = await promptsCheckCommand({ slug, profileFiles: o.profile, promptsDir: o.prompts, loadDbProfiles, loadStoredPrompts, out });
  });

// agent chat SLUG, agent replay [DIR]: in-process, without HTTP or workers
addAgentCommands(program);

try {
  await program.parseAsync(process.argv);
  // Prisma's wasm schema engine leaves a 10 s timer behind after migrating: a finished command
  // should not sit there (stdout has long been flushed when this fires; unref'd, it never delays)
  setTimeout(() => process.exit(), 200).unref();
} catch (e) {
  if (e instanceof ConfigError || e instanceof ProfileError || e instanceof AppError) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}

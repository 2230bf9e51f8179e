// A real Leadline for a test file: its own Postgres database (cloned from the run's migrated
// template), its own Redis key prefix, real HTTP on a loopback port, Twilio faked with msw.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { parseEnv } from "../../src/config/env.ts";
import { ZProfile, type TProfileInput } from "../../src/config/profile-schema.ts";
import { applyBusinessProfile } from "../../src/business/apply-business-profile.ts";
import { openDatabase, type Database } from "../../src/db/open-database.ts";
import { startLeadline, type Leadline, type StartOptions } from "../../src/boot/start-leadline.ts";
import { runReplay } from "../../src/replay/run-replay.ts";
import { ACCOUNT_SID, postTwilio } from "../fakes/twilio-webhooks.ts";
import { dbUrl, pgAdmin } from "./pg-admin.ts";
import { deleteRedisPrefix as deleteRedisKeys } from "./redis-keys.ts";
import { createClock, type TestClock } from "./test-clock.ts";

export const TWILIO_TOKEN = "test-auth-token-0000";
export const ADMIN_TOKEN = "admin-token-0123456789";
export const PUBLIC_BASE_URL = "https://leadline.test";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export const ACME_NUMBER = "+15555550100";
export const ACME_FORWARD = "+15555550199";
export const CALLER = "+12125550123";

export function acmeProfile(over: Partial<TProfileInput> = {}): TProfileInput {
  return {
    slug: "acme-plumbing",
    name: "Acme Plumbing",
    timezone: "America/New_York",
    phoneNumbers: [ACME_NUMBER],
    numberSources: { [ACME_NUMBER]: "google-lsa" },
    forwardTo: [ACME_FORWARD],
    hours: { mon: ["08:00-17:00"], tue: ["08:00-17:00"], wed: ["08:00-17:00"], thu: ["08:00-17:00"], fri: ["08:00-16:00"] },
    messaging: { mps: 50 },
    // tests answer at once; production waits a few seconds so quick texts get one answer
    ai: { debounceSeconds: 0 },
    ...over,
  };
}

/** A fresh database cloned from the migrated template. */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const name = `leadline_t_${inject("runId")}_${randomBytes(4).toString("hex")}`;
  await pgAdmin(`CREATE DATABASE ${name} TEMPLATE ${inject("templateDb")}`);
  return { name, url: dbUrl(name) };
}

/**
 * For `describe.each`: a new Postgres database (a pool of `poolSize`) and a migrated embedded PGlite
 * in `dir`, each opened as Leadline opens it.
 */
export function bothDatabases(dir: string, poolSize: number): [string, () => Promise<Database>][] {
  return [
    ["on Postgres", async () => openDatabase({ url: (await createTestDatabase()).url, poolSize })],
    [
      "on the embedded database",
      async () => {
        const lite = await openDatabase({ dataDir: join(dir, "lite"), waitMs: 0 });
        await lite.migrate();
        return lite;
      },
    ],
  ];
}

export function deleteRedisPrefix(prefix: string): Promise<void> {
  return deleteRedisKeys(REDIS_URL, prefix);
}

export interface TestLeadline {
  ll: Leadline;
  ctx: Leadline["ctx"];
  url: string;
  clock: TestClock;
  database: { name: string; url: string };
  prefix: string;
  post(path: string, params: Record<string, string>, opts?: { signature?: string | null }): Promise<Response>;
  admin(path: string, token?: string | null): Promise<Response>;
  apply(profile: TProfileInput): Promise<string>;
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export interface TestLeadlineOptions extends StartOptions {
  env?: Record<string, string>;
  clock?: TestClock;
  /** reuse a database/prefix (e.g. a second process role on the same data) */
  database?: { name: string; url: string };
  prefix?: string;
}

export async function startTestLeadline(o: TestLeadlineOptions = {}): Promise<TestLeadline> {
  const database = o.database ?? (await createTestDatabase());
  const prefix = o.prefix ?? `lltest${randomBytes(4).toString("hex")}`;
  const clock = o.clock ?? createClock();
  const dataDir = mkdtempSync(join(tmpdir(), "leadline-test-"));
  const env = parseEnv({
    PORT: "0",
    PUBLIC_BASE_URL,
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    ADMIN_TOKEN,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    MIGRATE_ON_START: "false",
    // its own data folder: a journal written while a test cuts Postgres stays with that test
    DATA_DIR: dataDir,
    ...o.env,
  });
  const ll = await startLeadline(env, { sweepEveryMs: 0, retryBaseMs: 20, clock, runReplay, ...o });
  const url = ll.url ?? "";
  return {
    ll,
    ctx: ll.ctx,
    url,
    clock,
    database,
    prefix,
    post: (path, params, opts) => postTwilio(url, PUBLIC_BASE_URL, TWILIO_TOKEN, path, params, opts),
    admin: (path, token = ADMIN_TOKEN) => fetch(url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    async apply(profile) {
      const { id } = await applyBusinessProfile(ll.ctx.prisma, ZProfile.parse(profile));
      ll.ctx.directory.invalidate();
      return id;
    },
    async close(opts = {}) {
      await ll.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (!opts.keepData) {
        await deleteRedisPrefix(prefix);
        if (!o.database) await pgAdmin(`DROP DATABASE IF EXISTS ${database.name} WITH (FORCE)`);
      }
    },
  };
}

// `agent replay`: every eval of a folder against the current prompts, each in a business of its
// own, on a throwaway embedded database (a temp DATA_DIR, migrations applied) and its own queue
// prefix, both removed afterwards. The evals run one after another (each on its own clock).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Redis } from "ioredis";
import { join } from "node:path";
import { ensureRedis } from "../boot/ensure-redis.ts";
import { startLeadline } from "../boot/start-leadline.ts";
import type { TEnv } from "../config/env.ts";
import { wallMs } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import { judgeEval } from "./judge-eval.ts";
import { loadEvals } from "./load-evals.ts";
import { runEval, type EvalMode, type Transcript } from "./run-eval.ts";

export interface ReplayRow {
  name: string;
  file: string;
  mode: EvalMode | undefined;
  passed: boolean;
  failures: string[];
  transcript: Transcript | undefined;
  ms: number;
}

export interface ReplayOptions {
  dir: string;
  env: TEnv;
  log: Logger;
  /** run the scripts even when OPENAI_API_KEY is set */
  scripted?: boolean;
  /** only evals whose name or file contains this */
  only?: string | undefined;
  /** each row as soon as its eval ran */
  onRow?: (row: ReplayRow) => void;
  /** an absolute path: the system prompt every eval runs with (the console's draft) */
  promptFile?: string | undefined;
}

export interface ReplaySummary {
  rows: ReplayRow[];
  /** the evals with \`model: auto\` ran against the real model (OPENAI_API_KEY), not their scripts */
  realModel: boolean;
  ms: number;
}

export async function runReplay(o: ReplayOptions): Promise<ReplaySummary> {
  const started = wallMs();
  const { evals, errors } = loadEvals(o.dir);
  const rows: ReplayRow[] = errors.map((e) => ({
    name: e.file,
    file: e.file,
    mode: undefined,
    passed: false,
    failures: [`load: ${e.error}`],
    transcript: undefined,
    ms: 0,
  }));
  rows.forEach((r) => o.onRow?.(r));
  const chosen = evals.filter((e) => !o.only || e.eval.name.includes(o.only) || e.file.includes(o.only));
  if (chosen.length === 0) return { rows, realModel: false, ms: wallMs() - started };

  const tmp = mkdtempSync(join(tmpdir(), "leadline-replay-"));
  const runId = randomBytes(3).toString("hex");
  const env: TEnv = {
    ...o.env,
    DATABASE_URL: undefined,
    DATA_DIR: join(tmp, "data"),
    MIGRATE_ON_START: true,
    QUEUE_PREFIX: `llreplay${runId}`,
    ...(o.scripted ? { OPENAI_API_KEY: undefined } : {}),
  };
  const redis = await ensureRedis(env, o.log);
  try {
    const ll = await startLeadline({ ...env, REDIS_URL: redis.url }, { log: o.log, headless: true, sweepEveryMs: 0 });
    try {
      const realModel = ll.ctx.llm;
      for (const [i, le] of chosen.entries()) {
        const t0 = wallMs();
        let transcript: Transcript | undefined;
        let failures: string[];
        try {
          transcript = await runEval(ll.ctx, le, i + 1, runId, realModel, o.promptFile);
          failures = judgeEval(le.eval.expect, transcript);
        } catch (e) {
          failures = [`run: ${(e as Error).message.split("\n")[0]}`];
        }
        const row: ReplayRow = {
          name: le.eval.name,
          file: le.file,
          mode: transcript?.mode,
          passed: failures.length === 0,
          failures,
          transcript,
          ms: wallMs() - t0,
        };
        rows.push(row);
        o.onRow?.(row);
      }
      await deletePrefix(ll.ctx.queues.redis, env.QUEUE_PREFIX).catch((e: Error) => o.log.warn({ err: e.message }, "replay queue keys not removed"));
      return { rows, realModel: Boolean(realModel), ms: wallMs() - started };
    } finally {
      await ll.close();
    }
  } finally {
    await redis.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
}

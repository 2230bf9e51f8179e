// "Replay evals" on the Prompts page: the eval corpus (prompts/evals) replayed with the draft, then
// with the published prompt, each as `agent replay` does it (its own embedded database, nothing
// touches the business). One replay at a time per process: it is heavy.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import type { TEnv } from "../config/env.ts";
import type { Logger } from "../lib/logger.ts";
import { PROMPTS_DIR, resolvePromptPath } from "../agent/prompts/load-prompt.ts";
import { publishedPrompt } from "../agent/prompts/published-prompt.ts";
import { AppError } from "../lib/errors.ts";
import type { TReplayResult } from "./console-schemas.ts";

let running = false;

interface ReplayRow {
  name: string;
  passed: boolean;
  failures: string[];
}

/** The eval replay (replay/run-replay.ts), handed in where the app is started: it boots an app of its own. */
export type RunReplay = (o: {
  dir: string;
  env: TEnv;
  log: Logger;
  only?: string | undefined;
  promptFile?: string | undefined;
}) => Promise<{ rows: ReplayRow[]; realModel: boolean }>;

const rowsOf = (rows: ReplayRow[]) => rows.map((r) => ({ name: r.name, passed: r.passed, failures: r.failures }));

export async function replayPromptDraft(
  ctx: Pick<Ctx, "env" | "log" | "sql">,
  runReplay: RunReplay,
  business: BusinessRef,
  text: string,
  only?: string,
): Promise<TReplayResult> {
  if (running) throw new AppError("conflict", "a replay is already running: try again when it is done");
  running = true;
  const dir = mkdtempSync(join(tmpdir(), "leadline-draft-"));
  try {
    const draftFile = join(dir, "draft.md");
    writeFileSync(draftFile, text);
    const current = await publishedPrompt(ctx.sql, business);
    let publishedFile = resolvePromptPath(business.profile.ai.prompt);
    if (current.version !== null) {
      publishedFile = join(dir, "published.md");
      writeFileSync(publishedFile, current.text);
    }
    const log = ctx.log.child({ replay: business.slug });
    const options = { dir: join(PROMPTS_DIR, "evals"), env: ctx.env, log, only: only || undefined };
    const draft = await runReplay({ ...options, promptFile: draftFile });
    const published = await runReplay({ ...options, promptFile: publishedFile });
    return { draft: rowsOf(draft.rows), published: rowsOf(published.rows), realModel: draft.realModel };
  } finally {
    running = false;
    rmSync(dir, { recursive: true, force: true });
  }
}

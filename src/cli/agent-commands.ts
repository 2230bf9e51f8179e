// `agent chat SLUG`: the owner's playground, a terminal conversation with the business's agent as a
// sandbox web chat visitor (nothing is texted to a phone), showing each turn's tool calls, the reply
// guard's verdicts and the reply that went out.
// `agent replay [DIR]`: the eval corpus (prompts/evals/*.yaml) against the current prompts; a pass
// table; exit 1 when an eval fails.
// Both run Leadline in-process without HTTP or workers (they drive the turns themselves).
import { randomBytes } from "node:crypto";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { pino } from "pino";
import { loadPrompt } from "../agent/prompts/load-prompt.ts";
import { createMonotonicClock } from "../replay/replay-clock.ts";
import { runReplay, type ReplayRow } from "../replay/run-replay.ts";
import { describeTurn, openSandbox, sayAndAnswer } from "../replay/sandbox-turn.ts";
import { ensureRedis } from "../boot/ensure-redis.ts";
import { startLeadline } from "../boot/start-leadline.ts";
import { parseEnv } from "../config/env.ts";
import { PACKAGE_ROOT } from "../db/open-database.ts";
import { AppError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { ZSlugValue } from "../lib/schemas.ts";

const out = (s: string) => process.stdout.write(s + "\n");

/** logs go to stderr, quiet unless LOG_LEVEL asks (stdout is the conversation or the table) */
function cliLogger(quiet: "error" | "silent"): Logger {
  return pino({ level: process.env.LOG_LEVEL?.trim() || quiet, base: undefined }, pino.destination(2));
}

export function addAgentCommands(program: Command): void {
  const agent = program.command("agent").description("the AI agent: try it, and replay the eval corpus");
  agent
    .command("chat")
    .argument("<slug>", "the business whose agent to talk to")
    .description("a terminal conversation with the agent as a sandbox web chat visitor; shows tool calls, guard verdicts and replies (/quit ends)")
    .action((slug: string) => chatCommand(slug));
  agent
    .command("replay")
    .argument("[dir]", "the eval folder", "prompts/evals")
    .option("--scripted", "run the scripts even when OPENAI_API_KEY is set")
    .option("--only <text>", "only the evals whose name or file contains this")
    .option("--verbose", "print each conversation (turns, tool calls, guard verdicts)")
    .description("replays the eval conversations against the current prompts; a pass table; exit 1 if one fails")
    .action(async (dir: string, o: { scripted?: boolean; only?: string; verbose?: boolean }) => {
      process.exitCode = await replayCommand(dir, o);
    });
}

async function chatCommand(slugArg: string): Promise<void> {
  const s = ZSlugValue.safeParse(slugArg);
  if (!s.success) throw new AppError("bad_request", `slug: ${s.error.issues[0]!.message}`);
  const env = parseEnv(process.env);
  const log = cliLogger("error");
  const redis = await ensureRedis(env, log);
  try {
    const ll = await startLeadline({ ...env, REDIS_URL: redis.url }, { log, headless: true, clock: createMonotonicClock(), sweepEveryMs: 0 });
    try {
      const ctx = ll.ctx;
      const business = await ctx.directory.bySlug(s.data);
      if (!business) throw new AppError("not_found", `no business "${s.data}": apply its profile first (npm run cli -- business apply FILE.yaml)`);
      const profile = business.profile;
      out(`Chatting with ${profile.name}'s agent as a sandbox web chat visitor (nothing is texted; the lead is marked a test).`);
      if (!profile.ai.enabled) out("AI is off in this business's profile (ai.enabled: false): template mode, fixed templates only.");
      else if (!ctx.llm) out("No OPENAI_API_KEY: template mode, fixed templates only (set the key to talk to the model).");
      else {
        const model = profile.ai.model ?? loadPrompt(profile.ai.prompt).frontMatter.model ?? env.OPENAI_MODEL ?? "gpt-4o-mini";
        out(`Model: ${model}${env.OPENAI_BASE_URL ? ` at ${env.OPENAI_BASE_URL}` : ""}.`);
      }
      out("Type as the homeowner. /new starts a new conversation, /quit (or Ctrl-D) ends.");

      const session = randomBytes(4).toString("hex");
      const open = () => openSandbox(ctx, business, { name: "Agent chat sandbox", source: "agent-chat" });
      let sb = await open();
      const tty = Boolean(process.stdin.isTTY);
      const rl = createInterface({ input: process.stdin, terminal: tty });
      const prompt = () => tty && process.stdout.write("you> ");
      prompt();
      let n = 0;
      for await (const raw of rl) {
        const line = raw.trim();
        if (line === "/quit" || line === "/exit") break;
        if (line === "/new") {
          sb = await open();
          out("(a new conversation)");
        } else if (line !== "") {
          if (!tty) out(`you> ${line}`);
          const view = await sayAndAnswer(ctx, sb, line, `cli:${session}:${++n}`);
          for (const l of describeTurn(view)) out(l);
        }
        prompt();
      }
      rl.close();
      out("bye");
    } finally {
      await ll.close();
    }
  } finally {
    await redis.stop();
  }
}

async function replayCommand(dirArg: string, o: { scripted?: boolean; only?: string; verbose?: boolean }): Promise<number> {
  const env = parseEnv(process.env);
  // the default folder is the package's own, wherever the command runs from
  const dir = dirArg === "prompts/evals" ? join(PACKAGE_ROOT, "prompts/evals") : dirArg;
  const live = Boolean(env.OPENAI_API_KEY) && !o.scripted;
  process.stderr.write(`replaying ${dir} ${live ? "against the real model (OPENAI_API_KEY)" : "with the scripted model (no key, or --scripted)"}\n`);
  const summary = await runReplay({
    dir,
    env,
    log: cliLogger("silent"),
    scripted: Boolean(o.scripted),
    only: o.only,
    onRow: (r) => process.stderr.write(`${r.passed ? "." : "F"}`),
  });
  process.stderr.write("\n");
  const rows = summary.rows;
  if (rows.length === 0) {
    out(`no evals in ${dir}${o.only ? ` matching "${o.only}"` : ""}`);
    return 1;
  }
  if (o.verbose) for (const r of rows) printTranscript(r);
  printTable(rows);
  const failed = rows.filter((r) => !r.passed).length;
  out(
    `${rows.length} evals: ${rows.length - failed} passed, ${failed} failed (${summary.realModel ? "real model" : "scripted model"}) in ${(summary.ms / 1000).toFixed(1)} s` +
      (failed && !o.verbose ? "; --verbose shows each conversation" : ""),
  );
  return failed ? 1 : 0;
}

function printTable(rows: ReplayRow[]): void {
  const name = (r: ReplayRow) => (r.mode ? r.name : relative(process.cwd(), r.file));
  const w = Math.min(60, Math.max(4, ...rows.map((r) => name(r).length)));
  out(`${"eval".padEnd(w)}  result  mode       failed expectations`);
  out(`${"-".repeat(w)}  ------  ---------  -------------------`);
  for (const r of rows) {
    const n = name(r).length > w ? `${name(r).slice(0, w - 3)}...` : name(r);
    out(`${n.padEnd(w)}  ${(r.passed ? "pass" : "FAIL").padEnd(6)}  ${(r.mode ?? "-").padEnd(9)}  ${r.failures.join("; ")}`.trimEnd());
  }
}

function printTranscript(r: ReplayRow): void {
  out(`== ${r.name} (${relative(process.cwd(), r.file)}): ${r.passed ? "pass" : "FAIL"}`);
  const t = r.transcript;
  if (!t) {
    for (const f of r.failures) out(`  ${f}`);
    return;
  }
  for (const [i, turn] of t.turns.entries()) {
    out(`you> ${t.lines[i] ?? ""}`);
    for (const l of describeTurn(turn, 200)) out(l);
  }
  for (const f of r.failures) out(`  FAILED ${f}`);
  out("");
}

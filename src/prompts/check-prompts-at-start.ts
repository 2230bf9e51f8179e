// The same check as `prompts check`, at start-up: each problem is logged (never fatal: a business
// whose prompt is broken falls back to template mode for the turn, the rest carry on).
import type { TProfile } from "../config/profile-schema.ts";
import type { Logger } from "../lib/logger.ts";
import { TOOL_NAMES } from "../agent/tools/agent-tools.ts";
import { checkPrompts, errorsOf, formatProblem, type Problem } from "./check-prompts.ts";
import { PROMPTS_DIR } from "../agent/prompts/load-prompt.ts";

export function checkPromptsAtStart(
  profiles: TProfile[],
  log?: Pick<Logger, "warn" | "info">,
  opts: { promptsDir?: string; toolNames?: readonly string[] } = {},
): Problem[] {
  const problems = checkPrompts({ promptsDir: opts.promptsDir ?? PROMPTS_DIR, profiles, toolNames: opts.toolNames ?? TOOL_NAMES });
  for (const p of problems) log?.warn({ file: p.file, line: p.line, severity: p.severity }, `prompts: ${formatProblem(p)}`);
  const errors = errorsOf(problems).length;
  if (errors) log?.warn(`prompts: ${errors} problem(s); run npm run cli -- prompts check`);
  else log?.info({ businesses: profiles.length, warnings: problems.length }, "prompts OK");
  return problems;
}

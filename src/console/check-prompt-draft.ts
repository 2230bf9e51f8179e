// A draft system prompt checked as `prompts check` checks a file: front matter, unknown or malformed
// variables, tools, reply length, and the rendered size against the token budget — each problem with
// its line. A draft with an error cannot be published.
import type { TProfile } from "../config/profile-schema.ts";
import { checkPromptFile, DEFAULT_TOKEN_BUDGET, estimateTokens, type Problem } from "../prompts/check-prompts.ts";
import { parsePrompt, PLACEHOLDER, PromptError, type PromptFile } from "../agent/prompts/load-prompt.ts";
import { promptVariables } from "../agent/prompts/render-prompt.ts";
import { TOOL_NAMES } from "../agent/tools/agent-tools.ts";

export const DRAFT_FILE = "draft";

/** `file`: how problems name it (a stored version: "business SLUG prompt vN") */
export function checkPromptDraft(text: string, profile: TProfile, now: Date, file = DRAFT_FILE): { problems: Problem[]; prompt: PromptFile | undefined } {
  const problems: Problem[] = [];
  const add = (file: string, line: number, message: string, severity: Problem["severity"] = "error") => problems.push({ file, line, message, severity });
  let prompt: PromptFile;
  try {
    prompt = parsePrompt(text, file);
  } catch (e) {
    if (e instanceof PromptError) add(file, e.line, e.reason);
    else add(file, 1, (e as Error).message);
    return { problems, prompt: undefined };
  }
  checkPromptFile(prompt, TOOL_NAMES, add);
  const vars: Record<string, string> = { max_reply_chars: String(prompt.frontMatter.maxReplyChars), ...promptVariables(profile, now) };
  const tokens = estimateTokens(prompt.body.replace(PLACEHOLDER, (_, k: string) => vars[k] ?? "").trim());
  if (tokens > DEFAULT_TOKEN_BUDGET) add(file, prompt.bodyStartLine, `rendered: ~${tokens} tokens, over the budget of ${DEFAULT_TOKEN_BUDGET}`);
  return { problems: problems.sort((a, b) => a.line - b.line), prompt };
}

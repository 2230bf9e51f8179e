// `prompts check` and the start-up check: the prompts, the templates and the business profiles read
// together, every problem with file:line. Errors: an unknown {{variable}}, a tool the code does not
// have, a reply budget over two SMS segments, a rendered prompt over its token budget, a profile's
// prompt file that does not exist. Warnings: a tool the prompt does not offer, a fact it never shows.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { TProfile } from "../config/profile-schema.ts";
import { DEFAULT_PROMPT, parsePrompt, PLACEHOLDER, PromptError, resolvePromptPath, type PromptFile } from "../agent/prompts/load-prompt.ts";
import { PROMPT_VARIABLES, promptVariables } from "../agent/prompts/render-prompt.ts";
import { loadSequences } from "../sequences/load-sequences.ts";

export interface Problem {
  file: string;
  /** 1-based; 0 when the problem has no line (a profile read from the database) */
  line: number;
  message: string;
  /** a warning alone does not fail the check */
  severity: "error" | "warning";
}

/** The variables each template gets from the code (grep renderTemplate); other templates get {{business}}. */
export const TEMPLATE_VARIABLES: Record<string, readonly string[]> = {
  "text-back.txt": ["business"],
  "acknowledgement.txt": ["business"],
  "help.txt": ["business"],
  "form-first-text.txt": ["business", "first_name"],
  "chat-phone-invitation.txt": ["business", "code"],
  "chat-joined.txt": ["business", "phone"],
  "ask-details.txt": ["business"],
  "details-received.txt": ["business"],
  "agent-fallback.txt": ["business"],
  // spoken as written (TwiML <Say>): nothing is filled in
  "voicemail-greeting.txt": [],
};
const OTHER_TEMPLATE_VARIABLES = ["business"];

/** Profile fields that override a template, and the template whose variables they get. */
const PROFILE_TEMPLATES: { path: string; template: string; get: (p: TProfile) => string | undefined }[] = [
  { path: "textBack.template", template: "text-back.txt", get: (p) => p.textBack.template },
  { path: "templates.acknowledgement", template: "acknowledgement.txt", get: (p) => p.templates.acknowledgement },
  { path: "templates.help", template: "help.txt", get: (p) => p.templates.help },
  { path: "templates.formFirstText", template: "form-first-text.txt", get: (p) => p.templates.formFirstText },
  { path: "voice.voicemailGreeting", template: "voicemail-greeting.txt", get: (p) => p.voice.voicemailGreeting },
];

/** Facts a prompt should show the model; a prompt without one gets a warning. */
const FACT_VARIABLES = ["business", "services", "service_area", "hours", "policies", "emergency_rules", "today"];

export const DEFAULT_TOKEN_BUDGET = 3000;
/** two GSM-7 segments */
export const MAX_REPLY_CHARS_LIMIT = 320;
/** rough and conservative for English prose: ~4 characters a token */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export interface CheckPromptsOptions {
  promptsDir: string;
  profiles: TProfile[];
  toolNames: readonly string[];
  /** the most a rendered system prompt may weigh, in estimated tokens */
  tokenBudget?: number;
  /** slug → the YAML file the profile came from, so its problems get file:line */
  profileFiles?: Record<string, string>;
  /** the instant prompts are rendered at for the budget (a fixed one by default) */
  now?: Date;
}

const SAMPLE_NOW = new Date("2026-06-15T14:00:00Z");

export function checkPrompts(o: CheckPromptsOptions): Problem[] {
  const problems: Problem[] = [];
  const add = (file: string, line: number, message: string, severity: Problem["severity"] = "error") => problems.push({ file, line, message, severity });
  const budget = o.tokenBudget ?? DEFAULT_TOKEN_BUDGET;

  // every prompt: the top-level .md files, the default, and each one a profile names
  const paths = new Set<string>([resolvePromptPath(DEFAULT_PROMPT, o.promptsDir)]);
  if (existsSync(o.promptsDir)) {
    for (const f of readdirSync(o.promptsDir)) if (f.endsWith(".md") && f.toLowerCase() !== "readme.md") paths.add(join(o.promptsDir, f));
  }
  const wanted = new Map<string, string[]>(); // prompt path → slugs that use it
  for (const p of o.profiles) {
    const path = resolvePromptPath(p.ai.prompt, o.promptsDir);
    wanted.set(path, [...(wanted.get(path) ?? []), p.slug]);
  }
  const prompts = new Map<string, PromptFile>();
  for (const path of paths) {
    if (!existsSync(path)) {
      // a missing default matters only when a business uses it (or nothing else is there)
      if (wanted.has(path) || o.profiles.length === 0) add(path, 1, "prompt file does not exist");
      continue;
    }
    const prompt = readPrompt(path, add);
    if (prompt) prompts.set(path, prompt);
  }
  for (const [path, slugs] of wanted) {
    if (paths.has(path)) continue;
    if (!existsSync(path)) {
      for (const slug of slugs) {
        const src = o.profileFiles?.[slug];
        const rel = relative(o.promptsDir, path);
        if (src) add(src, lineOf(src, rel), `ai.prompt: ${rel} does not exist under ${o.promptsDir}`);
        else add(path, 1, `prompt file does not exist (ai.prompt of business ${slug})`);
      }
      continue;
    }
    const prompt = readPrompt(path, add);
    if (prompt) prompts.set(path, prompt);
  }

  for (const prompt of prompts.values()) checkPromptFile(prompt, o.toolNames, add);

  // each business's prompt, rendered with its facts, against the budget
  for (const p of o.profiles) {
    const prompt = prompts.get(resolvePromptPath(p.ai.prompt, o.promptsDir));
    if (!prompt) continue;
    const vars: Record<string, string> = { max_reply_chars: String(prompt.frontMatter.maxReplyChars), ...promptVariables(p, o.now ?? SAMPLE_NOW) };
    const rendered = prompt.body.replace(PLACEHOLDER, (_, k: string) => vars[k] ?? "").trim();
    const tokens = estimateTokens(rendered);
    if (tokens > budget) {
      const biggest = [...prompt.variables.keys()].filter((k) => k in vars).sort((a, b) => vars[b]!.length - vars[a]!.length)[0];
      const detail = biggest ? `; the largest part is {{${biggest}}} (~${estimateTokens(vars[biggest]!)} tokens)` : "";
      add(
        prompt.file,
        biggest ? prompt.variables.get(biggest)![0]! : prompt.bodyStartLine,
        `rendered for ${p.slug}: ~${tokens} tokens, over the budget of ${budget}${detail}`,
      );
    }
  }

  // templates, and the profile fields that override them
  const templatesDir = join(o.promptsDir, "templates");
  if (existsSync(templatesDir)) {
    for (const f of readdirSync(templatesDir)
      .filter((x) => x.endsWith(".txt"))
      .sort()) {
      const file = join(templatesDir, f);
      checkTemplateText(readFileSync(file, "utf8"), TEMPLATE_VARIABLES[f] ?? OTHER_TEMPLATE_VARIABLES, (line, message) => add(file, line, message));
    }
  }
  for (const p of o.profiles) {
    const src = o.profileFiles?.[p.slug];
    for (const t of PROFILE_TEMPLATES) {
      const text = t.get(p);
      if (text === undefined) continue;
      checkTemplateText(text, TEMPLATE_VARIABLES[t.template] ?? OTHER_TEMPLATE_VARIABLES, (_line, message, needle) => {
        if (src) add(src, lineOf(src, needle), `${t.path}: ${message}`);
        else add(`business ${p.slug}`, 0, `${t.path}: ${message}`);
      });
    }
  }

  // sequences: the files themselves, and what each business's profile asks of them
  const seqs = loadSequences(join(o.promptsDir, "sequences"));
  for (const p of seqs.problems) add(p.file, p.line, p.message);
  for (const p of o.profiles) {
    const where = o.profileFiles?.[p.slug];
    for (const key of p.sequences.disabled) {
      if (!seqs.sequences.has(key)) {
        const msg = `sequences.disabled: no sequence "${key}" (have: ${[...seqs.sequences.keys()].join(", ")})`;
        if (where) add(where, lineOf(where, key), msg, "warning");
        else add(`business ${p.slug}`, 0, msg, "warning");
      }
    }
    const asksReview = [...seqs.sequences.values()].find(
      (s) => !p.sequences.disabled.includes(s.key) && s.steps.some((st) => st.template.includes("review_link")),
    );
    if (asksReview && !p.reviewUrl) {
      const msg = `no reviewUrl: the ${asksReview.key} sequence cannot send its review link (set reviewUrl, or list ${asksReview.key} in sequences.disabled)`;
      if (where) add(where, 1, msg, "warning");
      else add(`business ${p.slug}`, 0, msg, "warning");
    }
  }

  return problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

function readPrompt(path: string, add: (file: string, line: number, message: string) => void): PromptFile | undefined {
  try {
    return parsePrompt(readFileSync(path, "utf8"), path);
  } catch (e) {
    if (e instanceof PromptError) add(e.file, e.line, e.reason);
    else add(path, 1, (e as Error).message);
    return undefined;
  }
}

export function checkPromptFile(
  prompt: PromptFile,
  toolNames: readonly string[],
  add: (file: string, line: number, message: string, severity?: Problem["severity"]) => void,
) {
  const f = prompt.file;
  const known = new Set<string>(PROMPT_VARIABLES);
  for (const [name, lines] of prompt.variables) {
    if (known.has(name)) continue;
    for (const line of lines) add(f, line, `unknown variable {{${name}}} (known: ${PROMPT_VARIABLES.join(", ")})`);
  }
  for (const m of prompt.malformed) add(f, m.line, `malformed placeholder "${m.text}" (write {{name}})`);
  for (const v of FACT_VARIABLES) {
    if (!prompt.variables.has(v)) add(f, prompt.bodyStartLine, `never uses {{${v}}}: the model will not know it`, "warning");
  }

  const fm = prompt.frontMatter;
  if (fm.maxReplyChars > MAX_REPLY_CHARS_LIMIT) {
    add(f, prompt.keyLines.maxReplyChars ?? 1, `maxReplyChars ${fm.maxReplyChars} is over ${MAX_REPLY_CHARS_LIMIT} (two SMS segments)`);
  }
  const toolsLine = prompt.keyLines.tools ?? 1;
  const seen = new Set<string>();
  for (const tool of fm.tools) {
    if (seen.has(tool)) add(f, toolLine(prompt, tool), `tool ${tool} is named twice`, "warning");
    seen.add(tool);
    if (!toolNames.includes(tool)) add(f, toolLine(prompt, tool), `unknown tool ${tool} (the code has: ${toolNames.join(", ")})`);
  }
  if (fm.tools.length > 0) {
    const missing = toolNames.filter((t) => !seen.has(t));
    if (missing.length) add(f, toolsLine, `tools does not name ${missing.join(", ")}: the model cannot use ${missing.length > 1 ? "them" : "it"}`, "warning");
  }
}

/** The front matter line naming a tool (a block list puts each on its own line). */
function toolLine(prompt: PromptFile, tool: string): number {
  const start = prompt.keyLines.tools ?? 1;
  const word = new RegExp(`(^|[^\\w-])${tool.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^\\w-]|$)`);
  return prompt.frontMatterLines.find((l) => l.line >= start && word.test(l.text.replace(/^\s*tools\s*:/, "")))?.line ?? start;
}

function checkTemplateText(text: string, allowed: readonly string[], report: (line: number, message: string, needle: string) => void) {
  text.split(/\r?\n/).forEach((lineText, i) => {
    for (const m of lineText.matchAll(PLACEHOLDER)) {
      if (allowed.includes(m[1]!)) continue;
      const known = allowed.length ? `known here: ${allowed.map((a) => `{{${a}}}`).join(", ")}` : "nothing is filled in here";
      report(i + 1, `unknown variable {{${m[1]!}}} (${known})`, m[0]);
    }
    const bad = /\{\{|\}\}/.exec(lineText.replace(PLACEHOLDER, ""));
    if (bad) report(i + 1, `malformed placeholder (write {{name}})`, bad[0]);
  });
}

/** The first line of a file containing needle (1-based), else 0. */
function lineOf(file: string, needle: string): number {
  try {
    const i = readFileSync(file, "utf8")
      .split(/\r?\n/)
      .findIndex((l) => l.includes(needle));
    return i + 1;
  } catch {
    return 0;
  }
}

/** `file:line: message` (file relative to cwd when under it); warnings say so. */
export function formatProblem(p: Problem, cwd = process.cwd()): string {
  const rel = p.file.startsWith("business ") ? "" : relative(cwd, p.file);
  const file = rel && !rel.startsWith("..") ? rel : p.file;
  return `${file}${p.line > 0 ? `:${p.line}` : ""}: ${p.severity === "warning" ? "warning: " : ""}${p.message}`;
}

/** Just the errors. */
export const errorsOf = (problems: Problem[]) => problems.filter((p) => p.severity === "error");

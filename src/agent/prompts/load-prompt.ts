// A system prompt file (prompts/system.md, or a business's own under prompts/): YAML front matter
// with the model settings, then the Markdown body with {{variables}} filled per business and turn.
// Read with gray-matter, front matter checked with zod; every {{variable}} is located by line so the
// checker (`prompts check`) can point the owner at file:line.
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import matter from "gray-matter";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { PACKAGE_ROOT } from "../../db/open-database.ts";

/** prompts/ in the package (not the working directory) */
export const PROMPTS_DIR = join(PACKAGE_ROOT, "prompts");
export const DEFAULT_PROMPT = "system.md";

/** `{{ name }}`: the same placeholder syntax as src/agent/render-template.ts */
export const PLACEHOLDER = /\{\{\s*([\w-]+)\s*\}\}/g;

export const ZPromptFrontMatter = z.strictObject({
  /** the model unless the profile names one (ai.model); then OPENAI_MODEL */
  model: z.string().trim().min(1).optional(),
  temperature: z.number().min(0).max(2).default(0.3),
  /** the longest reply the guard lets through (characters); 320 = two GSM-7 segments */
  maxReplyChars: z.number().int().min(40).max(1600).default(300),
  /** model round trips with tool calls per turn before it must answer */
  maxToolSteps: z.number().int().min(0).max(10).default(4),
  /** the tools the model is offered (CONTRACT.md "Agent tools") */
  tools: z.array(z.string().min(1)).default([]),
});
export type TPromptFrontMatter = z.infer<typeof ZPromptFrontMatter>;

export interface PromptFile {
  /** absolute path */
  file: string;
  frontMatter: TPromptFrontMatter;
  /** the Markdown after the front matter, as written */
  body: string;
  /** the file line (1-based) on which the body starts */
  bodyStartLine: number;
  /** each variable the body uses → the file lines (1-based, front matter counted) it occurs on */
  variables: Map<string, number[]>;
  /** `{{` that does not open a well-formed placeholder, by file line */
  malformed: { line: number; text: string }[];
  /** front matter key → its file line (for problems about a setting) */
  keyLines: Record<string, number>;
  /** the raw front matter lines, with file line numbers */
  frontMatterLines: { line: number; text: string }[];
}

/** A prompt file that cannot be used, with where. */
export class PromptError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = "PromptError";
  }
}

/** A prompt path as a profile names it (relative to prompts/), or absolute; none = prompts/system.md. */
export function resolvePromptPath(file?: string, dir = PROMPTS_DIR): string {
  const name = file ?? DEFAULT_PROMPT;
  return isAbsolute(name) ? name : resolve(dir, name);
}

const cache = new Map<string, { mtimeMs: number; size: number; prompt: PromptFile }>();

/**
 * Reads and checks a prompt file (default prompts/system.md; a relative name is under prompts/).
 * Re-reads it when it changed on disk, so the owner's edits apply to the next turn.
 * Throws PromptError (file:line: reason) when the file is missing or its front matter is wrong.
 */
export function loadPrompt(file?: string, dir = PROMPTS_DIR): PromptFile {
  const path = resolvePromptPath(file, dir);
  let st: { mtimeMs: number; size: number };
  try {
    st = statSync(path);
  } catch {
    throw new PromptError(path, 1, "prompt file does not exist");
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.prompt;
  const prompt = parsePrompt(readFileSync(path, "utf8"), path);
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, prompt });
  return prompt;
}

/** Parses prompt text (exported for tests and the checker). */
export function parsePrompt(text: string, file: string): PromptFile {
  const raw = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const lines = raw.split("\n");
  if (!/^---[ \t]*$/.test(lines[0]!)) {
    throw new PromptError(
      file,
      1,
      /^---\S/.test(lines[0]!) ? "front matter must be YAML (a line with only ---)" : "no front matter: the file must start with a --- line",
    );
  }
  if (!lines.some((l, i) => i > 0 && /^---[ \t]*$/.test(l))) throw new PromptError(file, 1, "front matter is not closed (a line with only ---)");
  let parsed: matter.GrayMatterFile<string>;
  try {
    // options given: no gray-matter cache; YAML only (its JavaScript engine would eval the text)
    parsed = matter(raw, {
      language: "yaml",
      engines: {
        yaml: (s: string) => (parseYaml(s) ?? {}) as object,
        javascript: () => {
          throw new Error("front matter must be YAML");
        },
      },
    });
  } catch (e) {
    // gray-matter hands the parser the text from the newline after the opening ---: its line N is the file's line N
    const at = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 1;
    throw new PromptError(file, at, `front matter is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const body = parsed.content;
  if (!raw.endsWith(body)) throw new PromptError(file, 1, "cannot locate the body after the front matter");
  const bodyStartLine = countLines(raw.slice(0, raw.length - body.length)) + 1;

  const frontMatterLines = raw
    .slice(0, raw.length - body.length)
    .split("\n")
    .slice(1)
    .map((text, i) => ({ line: i + 2, text }))
    .filter((l) => l.line < bodyStartLine - 1);
  const keyLines: Record<string, number> = {};
  for (const l of frontMatterLines) {
    const m = /^([A-Za-z_][\w-]*)\s*:/.exec(l.text);
    if (m && !(m[1]! in keyLines)) keyLines[m[1]!] = l.line;
  }

  const fm = ZPromptFrontMatter.safeParse(parsed.data);
  if (!fm.success) {
    const issue = fm.error.issues[0]!;
    const key = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path[0];
    const where = issue.path.length ? issue.path.join(".") : "front matter";
    const line = (typeof key === "string" ? keyLines[key] : undefined) ?? 1;
    const message = issue.code === "unrecognized_keys" ? `unknown front matter setting "${issue.keys.join('", "')}"` : `${where}: ${issue.message}`;
    throw new PromptError(file, line, message);
  }

  const variables = new Map<string, number[]>();
  const malformed: { line: number; text: string }[] = [];
  body.split("\n").forEach((text, i) => {
    const line = bodyStartLine + i;
    for (const m of text.matchAll(PLACEHOLDER)) {
      const lines = variables.get(m[1]!) ?? [];
      lines.push(line);
      variables.set(m[1]!, lines);
    }
    const rest = text.replace(PLACEHOLDER, "");
    const bad = /\{\{[^\n]{0,30}|[^\n]{0,30}\}\}/.exec(rest);
    if (bad) malformed.push({ line, text: bad[0].trim() });
  });
  return { file, frontMatter: fm.data, body, bodyStartLine, variables, malformed, keyLines, frontMatterLines };
}

function countLines(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === "\n") n++;
  return n;
}

// Reads prompts/sequences/*.yaml. Every problem comes back with file:line (the YAML node the zod
// issue points at), so `prompts check` can show the owner exactly what to fix; a broken file is
// left out rather than half-used.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { PROMPTS_DIR } from "../agent/prompts/load-prompt.ts";
import { STEP_VARIABLES, ZSequence, type Sequence } from "./sequence-schema.ts";

export const SEQUENCES_DIR = join(PROMPTS_DIR, "sequences");
const PLACEHOLDER = /\{\{\s*([\w-]+)\s*\}\}/g;

export interface SequenceProblem {
  file: string;
  line: number;
  message: string;
}

export interface LoadedSequences {
  sequences: Map<string, Sequence>;
  problems: SequenceProblem[];
}

export function loadSequences(dir = SEQUENCES_DIR): LoadedSequences {
  const sequences = new Map<string, Sequence>();
  const problems: SequenceProblem[] = [];
  if (!existsSync(dir)) return { sequences, problems };
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith(".yaml") || x.endsWith(".yml"))
    .sort()) {
    const file = join(dir, f);
    const r = parseSequence(readFileSync(file, "utf8"), file);
    problems.push(...r.problems);
    if (r.sequence) sequences.set(r.sequence.key, r.sequence);
  }
  return { sequences, problems };
}

export function parseSequence(text: string, file: string): { sequence?: Sequence; problems: SequenceProblem[] } {
  const key = basename(file).replace(/\.ya?ml$/, "");
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    return { problems: doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line ?? 1, message: `not valid YAML: ${e.message.split("\n")[0]}` })) };
  }
  const lineAt = (path: readonly PropertyKey[]): number => {
    let node: unknown = doc.contents;
    let line = 1;
    for (const k of path) {
      const n = node as Node | null;
      if (n?.range) line = lc.linePos(n.range[0]).line;
      if (isMap(n)) node = n.get(k as string, true);
      else if (isSeq(n)) node = n.get(k as number, true);
      else break;
    }
    const last = node as Node | null | undefined;
    return last?.range ? lc.linePos(last.range[0]).line : line;
  };
  const parsed = ZSequence.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((i) => ({
        file,
        line: lineAt(i.path),
        message: `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`,
      })),
    };
  }
  const seq: Sequence = { ...parsed.data, key, file };
  const problems: SequenceProblem[] = [];
  const allowed = STEP_VARIABLES[seq.trigger.event];
  seq.steps.forEach((step, i) => {
    for (const m of step.template.matchAll(PLACEHOLDER)) {
      if (!allowed.includes(m[1]!)) {
        problems.push({
          file,
          line: lineAt(["steps", i, "template"]),
          message: `steps.${i}.template: unknown variable {{${m[1]!}}} (a ${seq.trigger.event} sequence knows ${allowed.map((a) => `{{${a}}}`).join(", ")})`,
        });
      }
    }
    if (seq.purpose === "marketing" && !/\bstop\b/i.test(step.template)) {
      problems.push({
        file,
        line: lineAt(["steps", i, "template"]),
        message: `steps.${i}.template: a marketing text must say how to opt out (e.g. "Reply STOP to opt out")`,
      });
    }
  });
  return problems.length ? { problems } : { sequence: seq, problems };
}

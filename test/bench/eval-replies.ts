// The agent's scripted replies in the eval corpus (prompts/evals/*.yaml), for sms.gsm7_pct and
// sms.segments_mean. A reply is the text of every `{ content: ... }` step (an object with a string
// `content`), wherever it sits in a file; a step that also calls tools is not a reply (the app
// never sends the content of a tool-calling answer). The replay fills `$labelN` / `$slotN` with the
// Nth slot find_slots returned: here a sample slot in the app's own format ("Wed Nov 18, 10:30 AM"),
// so the lengths are those of a real reply.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { formatSlot } from "../../src/scheduling/format-slot.ts";

export interface EvalReplies {
  dir: string;
  files: number;
  replies: string[];
  /** files that are not valid YAML (left out, named with the parser's message) */
  unreadable: string[];
  /** replies in which a $labelN/$slotN placeholder was filled with the sample slot */
  filled: number;
}

const SAMPLE_SLOT = new Date("2026-11-18T15:30:00Z");
const SAMPLE_LABEL = formatSlot(SAMPLE_SLOT, "America/New_York");
const SAMPLE_START = "2026-11-18T10:30:00-05:00";
const PLACEHOLDER_RE = /\$(slot|label)\d+/g;

function collect(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, out);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const o = node as Record<string, unknown>;
  if (typeof o.content === "string" && !("tools" in o)) out.push(o.content);
  for (const v of Object.values(o)) collect(v, out);
}

/** undefined when the directory does not exist or holds no .yaml/.yml file */
export async function loadEvalReplies(dir: string): Promise<EvalReplies | undefined> {
  let names: string[];
  try {
    // like the replay: `_*.yaml` are business profiles, not conversations
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith("_")).sort();
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const replies: string[] = [];
  const unreadable: string[] = [];
  for (const name of names) {
    const found: string[] = [];
    try {
      for (const doc of parseAllDocuments(await readFile(join(dir, name), "utf8"))) {
        if ("errors" in doc && doc.errors.length) throw new Error(doc.errors[0]!.message);
        collect(doc.toJS(), found);
      }
    } catch (e) {
      unreadable.push(`${name}: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    replies.push(...found);
  }
  let filled = 0;
  const out = replies.map((r) => {
    const f = r.replace(PLACEHOLDER_RE, (_, kind: string) => (kind === "label" ? SAMPLE_LABEL : SAMPLE_START));
    if (f !== r) filled++;
    return f;
  });
  return { dir, files: names.length - unreadable.length, replies: out, filled, unreadable };
}

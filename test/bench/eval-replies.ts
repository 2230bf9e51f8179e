// The agent's scripted replies in the eval corpus (prompts/evals/*.yaml), for sms.gsm7_pct and
// sms.segments_mean. A reply is the text of every `{ content: ... }` step (an object with a string
// `content`), wherever it sits in a file; a step that also calls tools is not a reply (the app
// never sends the content of a tool-calling answer).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export interface EvalReplies {
  dir: string;
  files: number;
  replies: string[];
}

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
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const replies: string[] = [];
  for (const name of names) {
    for (const doc of parseAllDocuments(await readFile(join(dir, name), "utf8"))) {
      if ("errors" in doc && doc.errors.length) throw new Error(`${join(dir, name)}: ${doc.errors[0]!.message}`);
      collect(doc.toJS(), replies);
    }
  }
  return { dir, files: names.length, replies };
}

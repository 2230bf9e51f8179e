// Reads an eval folder: every `*.yaml` is one conversation, except `_*.yaml`, which are business
// profiles an eval can extend (`extends: default` is `_business.yaml`, `extends: NAME` is `_NAME.yaml`).
// A file that cannot be read or checked becomes a load error (a failing row), not a crash.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { ZProfile, type TProfile } from "../config/profile-schema.ts";
import { ZEval, type TEval } from "./eval-schema.ts";

export interface LoadedEval {
  file: string;
  eval: TEval;
  /** the checked profile (slug and numbers are set per run) */
  profile: TProfile;
}

export interface EvalLoadError {
  file: string;
  error: string;
}

/** stands in for the per-run slug and number while a profile is checked */
const PLACEHOLDER = { slug: "eval-business", phoneNumbers: ["+15555550100"], numberSources: {} };

export function loadEvals(dir: string): { evals: LoadedEval[]; errors: EvalLoadError[] } {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n) && !n.startsWith("_"))
      .sort();
  } catch (e) {
    return { evals: [], errors: [{ file: dir, error: `cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] };
  }
  const evals: LoadedEval[] = [];
  const errors: EvalLoadError[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      evals.push(loadEval(dir, file));
    } catch (e) {
      errors.push({ file, error: (e as Error).message });
    }
  }
  return { evals, errors };
}

function loadEval(dir: string, file: string): LoadedEval {
  const parsed = ZEval.safeParse(readYaml(file));
  if (!parsed.success) throw new Error(issueLine(parsed.error));
  const e = parsed.data;
  const business = resolveBusiness(dir, e.business, new Set([basename(file)]));
  const profile = ZProfile.safeParse({ ...business, ...PLACEHOLDER });
  if (!profile.success) throw new Error(`business.${issueLine(profile.error)}`);
  for (const b of e.busy) {
    if (!profile.data.services.some((s) => s.key === b.service)) throw new Error(`busy: unknown service "${b.service}"`);
  }
  return { file, eval: e, profile: profile.data };
}

/** `extends` resolved (objects merged key by key, anything else replaced), depth-first */
function resolveBusiness(dir: string, b: Record<string, unknown>, seen: Set<string>): Record<string, unknown> {
  const { extends: parent, ...own } = b;
  if (parent === undefined) return own;
  if (typeof parent !== "string" || !/^[\w-]+$/.test(parent)) throw new Error("business.extends: a profile name such as default");
  const file = parent === "default" ? "_business.yaml" : `_${parent}.yaml`;
  if (seen.has(file)) throw new Error(`business.extends: ${file} extends itself`);
  const base = readYaml(join(dir, file));
  if (typeof base !== "object" || base === null || Array.isArray(base)) throw new Error(`${file}: not a profile`);
  return merge(resolveBusiness(dir, base as Record<string, unknown>, new Set([...seen, file])), own);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? merge(b, v) : v;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${basename(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parse(text) as unknown;
  } catch (e) {
    throw new Error(`not YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

function issueLine(err: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = err.issues[0];
  return i ? `${i.path.map(String).join(".") || "(top)"}: ${i.message}` : "invalid";
}

// `prompts check [SLUG] [--profile FILE.yaml…] [--prompts DIR]`: the prompts and templates checked
// against the business profiles (the database's, or the YAML files given), `file:line: message`
// per problem; exit 1 on any error, else "prompts OK".
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkPrompts, errorsOf, formatProblem, type Problem } from "../prompts/check-prompts.ts";
import { PROMPTS_DIR } from "../agent/prompts/load-prompt.ts";
import { TOOL_NAMES } from "../agent/tools/agent-tools.ts";
import { parseProfile, ProfileError } from "../config/parse-profile.ts";
import { ZProfile, type TProfile } from "../config/profile-schema.ts";
import { DatabaseBusyError, type Prisma } from "../db/open-database.ts";
import { AppError } from "../lib/errors.ts";
import { systemClock } from "../lib/clock.ts";
import { checkPromptDraft } from "../console/check-prompt-draft.ts";

export interface PromptsCheckOptions {
  slug?: string | undefined;
  /** profile YAML files: checked instead of the database's profiles */
  profileFiles: string[];
  promptsDir?: string | undefined;
  /** the database's profiles (one business with a slug) */
  loadDbProfiles: (slug?: string) => Promise<TProfile[]>;
  /** the prompt versions published from the console that the agent uses now (newest per business) */
  loadStoredPrompts?: (slug?: string) => Promise<StoredPrompt[]>;
  out: (s: string) => void;
  err?: (s: string) => void;
}

/** Runs the check and prints it; returns the exit code. */
export async function promptsCheckCommand(o: PromptsCheckOptions): Promise<number> {
  const err = o.err ?? ((s: string) => process.stderr.write(s + "\n"));
  const promptsDir = o.promptsDir ? resolve(o.promptsDir) : PROMPTS_DIR;
  const problems: Problem[] = [];
  let profiles: TProfile[] = [];
  const profileFiles: Record<string, string> = {};

  if (o.profileFiles.length) {
    for (const f of o.profileFiles) {
      const file = resolve(f);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        throw new AppError("bad_request", `--profile ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      try {
        const p = parseProfile(text);
        profiles.push(p);
        profileFiles[p.slug] = file;
      } catch (e) {
        if (!(e instanceof ProfileError)) throw e;
        problems.push({ file, line: 0, message: `not a valid profile: ${e.message}`, severity: "error" });
      }
    }
    if (o.slug) {
      profiles = profiles.filter((p) => p.slug === o.slug);
      if (profiles.length === 0 && problems.length === 0) throw new AppError("not_found", `no profile with slug "${o.slug}" among the --profile files`);
    }
  } else {
    try {
      profiles = await o.loadDbProfiles(o.slug);
    } catch (e) {
      if (e instanceof DatabaseBusyError && e.holder?.serve) {
        throw new Error(
          `a running Leadline (pid ${e.holder.pid}) holds the embedded database: check against the YAML instead (--profile FILE.yaml), or set DATABASE_URL`,
        );
      }
      throw e;
    }
    if (o.slug && profiles.length === 0) throw new AppError("not_found", `no business "${o.slug}"`);
    if (profiles.length === 0) err("no businesses yet: checking the prompts on their own (no token budgets); or pass --profile FILE.yaml");
  }

  problems.push(...checkPrompts({ promptsDir, profiles, toolNames: TOOL_NAMES, profileFiles }));
  // what the console published is what the agent uses: it is checked like a file
  if (!o.profileFiles.length && o.loadStoredPrompts) {
    for (const sp of await o.loadStoredPrompts(o.slug)) {
      const profile = profiles.find((p) => p.slug === sp.slug);
      if (profile) problems.push(...checkPromptDraft(sp.text, profile, systemClock.now(), `business ${sp.slug} prompt v${sp.version}`).problems);
    }
  }
  for (const p of problems) o.out(formatProblem(p));
  const errors = errorsOf(problems).length;
  const warnings = problems.length - errors;
  if (errors) {
    err(`${errors} problem${errors > 1 ? "s" : ""}${warnings ? `, ${warnings} warning${warnings > 1 ? "s" : ""}` : ""}`);
    return 1;
  }
  const against = profiles.map((p) => p.slug).join(", ");
  o.out(`prompts OK${warnings ? ` (${warnings} warning${warnings > 1 ? "s" : ""})` : ""}${against ? `: checked for ${against}` : ""}`);
  return 0;
}

export interface StoredPrompt {
  slug: string;
  version: number;
  text: string;
}

/** The newest published prompt version of each business (one with a slug). */
export async function storedPromptsFromDb(prisma: Prisma, slug?: string): Promise<StoredPrompt[]> {
  const rows = await prisma.promptVersion.findMany({
    where: slug ? { business: { slug } } : {},
    orderBy: [{ businessId: "asc" }, { version: "desc" }],
    distinct: ["businessId"],
    select: { version: true, text: true, business: { select: { slug: true } } },
  });
  return rows.map((r) => ({ slug: r.business.slug, version: r.version, text: r.text }));
}

/** The businesses' profiles as stored (one with a slug); a stored profile that no longer parses is named on stderr and skipped. */
export async function profilesFromDb(prisma: Prisma, slug?: string): Promise<TProfile[]> {
  const rows = await prisma.business.findMany({ where: slug ? { slug } : {}, orderBy: { slug: "asc" }, select: { slug: true, profile: true } });
  const out: TProfile[] = [];
  for (const r of rows) {
    const p = ZProfile.safeParse(r.profile);
    if (p.success) out.push(p.data);
    else
      process.stderr.write(
        `business ${r.slug}: stored profile does not parse (${p.error.issues[0]!.path.join(".")}: ${p.error.issues[0]!.message}); apply its YAML again\n`,
      );
  }
  return out;
}

import { parse as parseYaml } from "yaml";
import { ZProfile, type TProfile } from "./profile-schema.ts";

export class ProfileError extends Error {}

/** Parses profile YAML text; a ProfileError names the bad field and why. */
export function parseProfile(yamlText: string): TProfile {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (e) {
    throw new ProfileError(`not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const r = ZProfile.safeParse(raw);
  if (r.success) {
    const p = r.data;
    for (const n of Object.keys(p.numberSources)) {
      if (!p.phoneNumbers.includes(n)) throw new ProfileError(`numberSources.${n}: not one of phoneNumbers`);
    }
    return p;
  }
  const issue = r.error.issues[0]!;
  const where = issue.path.length ? issue.path.join(".") : "profile";
  throw new ProfileError(`${where}: ${issue.message}`);
}

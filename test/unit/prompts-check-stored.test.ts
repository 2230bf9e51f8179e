// `prompts check` also checks the prompt versions published from the console (what the agent uses).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { promptsCheckCommand } from "../../src/cli/prompts-commands.ts";
import { ZProfile } from "../../src/config/profile-schema.ts";
import { acmeProfile } from "../helpers/test-leadline.ts";

const profile = ZProfile.parse(acmeProfile());
const good = readFileSync("prompts/system.md", "utf8");

async function check(stored: string) {
  const lines: string[] = [];
  const code = await promptsCheckCommand({
    profileFiles: [],
    loadDbProfiles: () => Promise.resolve([profile]),
    loadStoredPrompts: () => Promise.resolve([{ slug: profile.slug, version: 3, text: stored }]),
    out: (s) => lines.push(s),
    err: () => undefined,
  });
  return { code, lines };
}

describe("prompts check over published versions", () => {
  it.each([
    ["a good version passes", good, 0, undefined],
    [
      "an unknown variable fails, named with the business, version and line",
      good.replace("# Who you are", "# Who you are\n\n{{bussiness}}"),
      1,
      /^business acme-plumbing prompt v3:12: unknown variable \{\{bussiness\}\}/,
    ],
    ["broken front matter fails", good.replace("temperature: 0.3", "temperature: hot"), 1, /^business acme-plumbing prompt v3:5: temperature/],
  ])("%s", async (_name, text, code, line) => {
    const r = await check(text);
    expect(r.code).toBe(code);
    if (line) expect(r.lines.some((l) => line.test(l))).toBe(true);
  });
});

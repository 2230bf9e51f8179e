// Issue 9 item 2: `prompts check` finds what would break a turn before a homeowner sees it, with file:line.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkPrompts, errorsOf, formatProblem, type Problem } from "../../src/prompts/check-prompts.ts";
import { PROMPTS_DIR } from "../../src/agent/prompts/load-prompt.ts";
import { parseProfile } from "../../src/config/parse-profile.ts";
import type { TProfile } from "../../src/config/profile-schema.ts";
import { PACKAGE_ROOT } from "../../src/db/open-database.ts";

const TOOLS = ["check_service_area", "find_slots", "book_appointment", "reschedule_appointment", "cancel_appointment", "update_lead", "handoff_to_human"];
const ACME_YAML = readFileSync(join(PACKAGE_ROOT, "examples/acme-plumbing.yaml"), "utf8");
const acme = parseProfile(ACME_YAML);

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** a copy of the shipped prompts/ to break */
function promptsCopy(): string {
  const root = mkdtempSync(join(tmpdir(), "leadline-check-"));
  roots.push(root);
  const dir = join(root, "prompts");
  cpSync(PROMPTS_DIR, dir, { recursive: true });
  return dir;
}

const shipped = () => readFileSync(join(PROMPTS_DIR, "system.md"), "utf8");
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
const check = (promptsDir: string, profiles: TProfile[] = [acme], extra: Partial<Parameters<typeof checkPrompts>[0]> = {}) =>
  checkPrompts({ promptsDir, profiles, toolNames: TOOLS, ...extra });
const only = (problems: Problem[], severity: Problem["severity"] = "error") => problems.filter((p) => p.severity === severity);

describe("checkPrompts", () => {
  it("passes the shipped prompts and templates for the example business, with no warnings", () => {
    expect(check(PROMPTS_DIR)).toEqual([]);
    expect(check(PROMPTS_DIR, [])).toEqual([]);
  });

  it("reports an unknown variable at its file line (front matter counted)", () => {
    const dir = promptsCopy();
    const text = shipped().replace("Business: {{business}}", "Business: {{business}}\nOwner: {{owner_name}}");
    writeFileSync(join(dir, "system.md"), text);
    const errors = only(check(dir));
    expect(errors).toEqual([
      {
        file: join(dir, "system.md"),
        line: lineOf(text, "{{owner_name}}"),
        message: expect.stringMatching(/^unknown variable \{\{owner_name\}\}/),
        severity: "error",
      },
    ]);
    expect(formatProblem(errors[0]!, join(dir, ".."))).toBe(`prompts/system.md:${lineOf(text, "{{owner_name}}")}: ${errors[0]!.message}`);
  });

  it("reports a malformed placeholder", () => {
    const dir = promptsCopy();
    const text = shipped().replace("Time zone: {{timezone}}.", "Time zone: {{timezone}.");
    writeFileSync(join(dir, "system.md"), text);
    const errors = only(check(dir));
    expect(errors.map((e) => [e.line, e.message])).toContainEqual([lineOf(text, "{{timezone}."), expect.stringMatching(/malformed placeholder/)]);
  });

  it("reports a tool the code does not have at its line, and warns about a tool left out", () => {
    const dir = promptsCopy();
    const text = shipped().replace(
      /^tools: \[.*\]$/m,
      "tools:\n  - check_service_area\n  - find_slots\n  - book_appointment\n  - give_discount\n  - cancel_appointment\n  - update_lead\n  - handoff_to_human",
    );
    writeFileSync(join(dir, "system.md"), text);
    const problems = check(dir);
    expect(only(problems)).toEqual([
      { file: join(dir, "system.md"), line: lineOf(text, "- give_discount"), message: expect.stringMatching(/^unknown tool give_discount/), severity: "error" },
    ]);
    expect(only(problems, "warning")).toEqual([
      {
        file: join(dir, "system.md"),
        line: lineOf(text, "tools:"),
        message: expect.stringMatching(/does not name reschedule_appointment/),
        severity: "warning",
      },
    ]);
  });

  it("reports an unknown tool in an inline list at the tools line", () => {
    const dir = promptsCopy();
    const text = shipped().replace("handoff_to_human]", "handoff_to_human, send_invoice]");
    writeFileSync(join(dir, "system.md"), text);
    expect(only(check(dir)).map((p) => [p.line, p.message.split(" (")[0]])).toEqual([[lineOf(text, "tools:"), "unknown tool send_invoice"]]);
  });

  it("reports a rendered prompt over the token budget, at the line of its largest part", () => {
    const dir = promptsCopy();
    const big = parseProfile(
      ACME_YAML.replace(
        /^services:\n(  - .*\n)+/m,
        "services:\n" +
          Array.from(
            { length: 120 },
            (_, i) =>
              `  - { key: job-${i}, name: Specialty job number ${i}, durationMinutes: 60, price: { from: ${100 + i}, to: ${300 + i} }, aliases: [special thing ${i}] }\n`,
          ).join(""),
      ),
    );
    const errors = only(check(dir, [acme, big]));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: join(dir, "system.md"), line: lineOf(shipped(), "{{services}}") });
    expect(errors[0]!.message).toMatch(/^rendered for acme-plumbing: ~\d+ tokens, over the budget of 3000; the largest part is \{\{services\}\}/);
    // the same prompt fits a smaller business, and a bigger budget fits both
    expect(only(check(dir, [acme]))).toEqual([]);
    expect(only(check(dir, [big], { tokenBudget: 20_000 }))).toEqual([]);
  });

  it("reports a reply budget over two SMS segments at its line", () => {
    const dir = promptsCopy();
    const text = shipped().replace("maxReplyChars: 300", "maxReplyChars: 480");
    writeFileSync(join(dir, "system.md"), text);
    expect(only(check(dir))).toEqual([
      { file: join(dir, "system.md"), line: lineOf(text, "maxReplyChars"), message: "maxReplyChars 480 is over 320 (two SMS segments)", severity: "error" },
    ]);
  });

  it("reports broken front matter as a problem, not a crash", () => {
    const dir = promptsCopy();
    writeFileSync(join(dir, "system.md"), shipped().replace("temperature: 0.3", "temperature: warm"));
    expect(only(check(dir))).toEqual([{ file: join(dir, "system.md"), line: 5, message: expect.stringMatching(/^temperature: /), severity: "error" }]);
  });

  it("checks every prompt file, including a business's own, and warns about facts a prompt never shows", () => {
    const dir = promptsCopy();
    writeFileSync(join(dir, "acme.md"), "---\nmodel: gpt-4o\n---\nYou answer for {{business}} on {{day_of_week}}.\n");
    const own = { ...acme, ai: { ...acme.ai, prompt: "acme.md" } };
    const problems = check(dir, [own]);
    expect(only(problems)).toEqual([
      { file: join(dir, "acme.md"), line: 4, message: expect.stringMatching(/unknown variable \{\{day_of_week\}\}/), severity: "error" },
    ]);
    expect(only(problems, "warning").map((p) => p.message)).toContain("never uses {{services}}: the model will not know it");
  });

  it("reports a profile's prompt file that does not exist, at the profile's line", () => {
    const dir = promptsCopy();
    const root = join(dir, "..");
    const yaml = ACME_YAML.replace("ai: { enabled: true,", "ai: { prompt: acme-special.md, enabled: true,");
    writeFileSync(join(root, "acme.yaml"), yaml);
    const errors = only(check(dir, [parseProfile(yaml)], { profileFiles: { "acme-plumbing": join(root, "acme.yaml") } }));
    expect(errors).toEqual([
      {
        file: join(root, "acme.yaml"),
        line: lineOf(yaml, "acme-special.md"),
        message: expect.stringMatching(/^ai\.prompt: acme-special\.md does not exist/),
        severity: "error",
      },
    ]);
    // from the database (no file): the prompt path is named
    expect(only(check(dir, [parseProfile(yaml)]))[0]).toMatchObject({
      file: join(dir, "acme-special.md"),
      message: expect.stringMatching(/ai\.prompt of business acme-plumbing/),
    });
  });

  it("reports template variables the code does not fill, per template", () => {
    const dir = promptsCopy();
    writeFileSync(join(dir, "templates", "text-back.txt"), "Hi {{first_name}}, this is {{business}}.\n");
    writeFileSync(join(dir, "templates", "form-first-text.txt"), "Hi {{first_name}}, this is {{business}}.\n");
    writeFileSync(join(dir, "templates", "voicemail-greeting.txt"), "You reached\n{{business}}.\n");
    const errors = only(check(dir));
    expect(errors.map((e) => [e.file.slice(dir.length + 1), e.line, e.message])).toEqual([
      ["templates/text-back.txt", 1, "unknown variable {{first_name}} (known here: {{business}})"],
      ["templates/voicemail-greeting.txt", 2, "unknown variable {{business}} (nothing is filled in here)"],
    ]);
  });

  it("reports a profile's template override with an unknown variable, at its YAML line", () => {
    const dir = promptsCopy();
    const root = join(dir, "..");
    const yaml = ACME_YAML.replace('textBack: { template: "Hi, this is {{business}}.', 'textBack: { template: "Hi {{caller}}, this is {{business}}.');
    writeFileSync(join(root, "acme.yaml"), yaml);
    const errors = only(check(dir, [parseProfile(yaml)], { profileFiles: { "acme-plumbing": join(root, "acme.yaml") } }));
    expect(errors).toEqual([
      {
        file: join(root, "acme.yaml"),
        line: lineOf(yaml, "{{caller}}"),
        message: expect.stringMatching(/^textBack\.template: unknown variable \{\{caller\}\}/),
        severity: "error",
      },
    ]);
    expect(formatProblem(only(check(dir, [parseProfile(yaml)]))[0]!)).toMatch(/^business acme-plumbing: textBack\.template: unknown variable/);
  });

  it("reports a missing default prompt", () => {
    const dir = promptsCopy();
    rmSync(join(dir, "system.md"));
    expect(errorsOf(check(dir))).toEqual([{ file: join(dir, "system.md"), line: 1, message: "prompt file does not exist", severity: "error" }]);
  });
});

// `npm run cli -- prompts check [SLUG]`: passes on the shipped prompts, fails with file:line on a broken one,
// against profile YAML files or the businesses in the database.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/db/open-database.ts";
import { createTestDatabase } from "../helpers/test-leadline.ts";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "leadline-prompts-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(env: Record<string, string>, ...args: string[]) {
  return run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, DATA_DIR: join(dir, "data"), DATABASE_URL: "", LOG_LEVEL: "warn", ...env },
    timeout: 60_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** prompts/ copied, with an unknown variable and an unknown tool put in */
let broken: string;
let brokenLines: { variable: number; tool: number };
beforeAll(() => {
  broken = join(dir, "prompts");
  cpSync(join(PACKAGE_ROOT, "prompts"), broken, { recursive: true });
  const text = readFileSync(join(broken, "system.md"), "utf8")
    .replace("handoff_to_human]", "handoff_to_human, issue_refund]")
    .replace("Business: {{business}}", "Business: {{business}} ({{business_phone}})");
  writeFileSync(join(broken, "system.md"), text);
  const lines = text.split("\n");
  brokenLines = { variable: lines.findIndex((l) => l.includes("{{business_phone}}")) + 1, tool: lines.findIndex((l) => l.startsWith("tools:")) + 1 };
});

describe("prompts check", () => {
  it("passes the shipped prompts for the example profile", async () => {
    const r = await cli({}, "prompts", "check", "--profile", "examples/acme-plumbing.yaml");
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("prompts OK: checked for acme-plumbing");
    expect(r.code).toBe(0);
  });

  it("fails with file:line on a broken prompts folder (--prompts DIR)", async () => {
    const r = await cli({}, "prompts", "check", "--profile", "examples/acme-plumbing.yaml", "--prompts", broken);
    expect(r.code).toBe(1);
    const file = join(broken, "system.md");
    expect(r.stdout).toContain(`${file}:${brokenLines.tool}: unknown tool issue_refund`);
    expect(r.stdout).toContain(`${file}:${brokenLines.variable}: unknown variable {{business_phone}}`);
    expect(r.stdout).not.toContain("prompts OK");
    expect(r.stderr).toContain("2 problems");
  });

  it("names a profile file that is not a valid profile", async () => {
    writeFileSync(join(dir, "bad.yaml"), "slug: bad\nname: Bad\ntimezone: Mars/Olympus\n");
    const r = await cli({}, "prompts", "check", "--profile", join(dir, "bad.yaml"));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, "bad.yaml")}: not a valid profile: timezone:`);
  });

  it("checks the businesses in the database, or one by slug", async () => {
    const db = await createTestDatabase();
    const env = { DATABASE_URL: db.url };
    const applied = await cli(env, "business", "apply", "examples/acme-plumbing.yaml");
    expect(applied.code).toBe(0);
    const all = await cli(env, "prompts", "check");
    expect(all.stdout.trim()).toBe("prompts OK: checked for acme-plumbing");
    expect(all.code).toBe(0);
    const one = await cli(env, "prompts", "check", "acme-plumbing", "--prompts", broken);
    expect(one.code).toBe(1);
    expect(one.stdout).toContain(`${join(broken, "system.md")}:${brokenLines.variable}: unknown variable {{business_phone}}`);
    const none = await cli(env, "prompts", "check", "no-such-business");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no business "no-such-business"');
  }, 120_000); // each database command takes ~10 s to exit on Postgres
});

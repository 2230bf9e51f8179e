// `agent replay` and `agent chat` as an owner runs them: child processes of the real CLI, no
// OPENAI_API_KEY (the replay runs each eval's script; the chat is in template mode).
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { deleteRedisPrefix, REDIS_URL } from "../helpers/test-leadline.ts";

const dir = mkdtempSync(join(tmpdir(), "leadline-agent-cli-"));
const prefix = `llagentcli${randomBytes(3).toString("hex")}`;
const { OPENAI_API_KEY: _key, OPENAI_BASE_URL: _url, LOG_LEVEL: _level, ...inherited } = process.env;
const env = {
  ...inherited,
  DATA_DIR: join(dir, "data"),
  REDIS_URL,
  QUEUE_PREFIX: prefix,
  DATABASE_URL: "",
  TWILIO_ACCOUNT_SID: "",
  TWILIO_AUTH_TOKEN: "",
};

afterAll(async () => {
  await deleteRedisPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 110_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const passRows = (stdout: string) => stdout.split("\n").filter((l) => /\s{2}pass\s{2}/.test(l));

describe("agent replay", () => {
  it("replays the shipped corpus with the scripted model: at least 30 conversations, all pass, exit 0", async () => {
    const r = await cli(["agent", "replay"]);
    expect(r.stderr).toContain("with the scripted model");
    expect(r.stdout).toMatch(/^eval\s+result\s+mode\s+failed expectations$/m);
    expect(r.stdout).not.toMatch(/\sFAIL\s/);
    expect(passRows(r.stdout).length).toBeGreaterThanOrEqual(30);
    expect(r.stdout).toMatch(/(\d+) evals: \1 passed, 0 failed \(scripted model\)/);
    expect(r.code).toBe(0);
  }, 120_000);

  it("an eval whose expectation cannot hold fails: exit 1, the eval and the expectation named", async () => {
    const evals = join(dir, "broken-evals");
    rmSync(evals, { recursive: true, force: true });
    mkdirSync(evals);
    copyFileSync("prompts/evals/_business.yaml", join(evals, "_business.yaml"));
    writeFileSync(
      join(evals, "impossible.yaml"),
      [
        "name: template mode cannot book",
        "now: 2026-11-17T09:00:00-05:00",
        "model: template",
        "turns: ['clogged drain in 10001, book me the first time']",
        "expect: [booked, replied]",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(evals, "holds.yaml"),
      "name: an ack goes out\nnow: 2026-11-17T09:00:00-05:00\nmodel: template\nturns: ['hi']\nexpect: [replied, template]\n",
    );
    const r = await cli(["agent", "replay", evals]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^template mode cannot book\s+FAIL\s+template\s+booked \(nothing booked\)$/m);
    expect(r.stdout).toMatch(/^an ack goes out\s+pass\s+template$/m);
    expect(r.stdout).toContain("2 evals: 1 passed, 1 failed");
  }, 120_000);
});

describe("agent chat", () => {
  it("answers a piped line in template mode, showing the reply, and ends on /quit", async () => {
    const profile = join(dir, "chat.yaml");
    writeFileSync(
      profile,
      'slug: chat-plumbing\nname: Chat Plumbing\ntimezone: America/New_York\nphoneNumbers: ["+15555550188"]\nservices:\n  - { key: drain-cleaning, name: Drain cleaning, durationMinutes: 90 }\n',
    );
    const applied = await cli(["business", "apply", profile]);
    expect(applied.code).toBe(0);

    const r = await cli(["agent", "chat", "chat-plumbing"], "hello\n/quit\n");
    expect(r.stdout).toContain("template mode");
    expect(r.stdout).toContain("you> hello");
    expect(r.stdout).toMatch(/reply {2}\[template, ack\] Thanks for reaching out to Chat Plumbing!/);
    expect(r.stdout).toMatch(/turn {3}template mode, replied/);
    expect(r.stdout.trimEnd().endsWith("bye")).toBe(true);
    expect(r.code).toBe(0);
  }, 120_000);

  it("names an unknown business in one line", async () => {
    const r = await cli(["agent", "chat", "no-such-business"], "hi\n");
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: no business "no-such-business": apply its profile first (npm run cli -- business apply FILE.yaml)');
  }, 60_000);
});

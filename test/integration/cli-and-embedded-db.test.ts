// `npm start` with no DATABASE_URL owns an embedded PGlite; the CLI must still work beside it.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteRedisPrefix, REDIS_URL } from "../helpers/test-leadline.ts";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "leadline-cli-"));
const prefix = `llcli${randomBytes(3).toString("hex")}`;
const baseEnv = {
  ...process.env,
  DATA_DIR: join(dir, "data"),
  REDIS_URL,
  QUEUE_PREFIX: prefix,
  LOG_LEVEL: "info",
  DATABASE_URL: "",
  TWILIO_ACCOUNT_SID: "",
  TWILIO_AUTH_TOKEN: "",
};

function cli(...args: string[]) {
  return run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { env: baseEnv, timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const profile = (slug: string, number: string) =>
  `slug: ${slug}\nname: ${slug} co\ntimezone: America/Chicago\nphoneNumbers: ["${number}"]\nforwardTo: ["+15555550199"]\n`;

let server: ChildProcess | undefined;
let serverLog = "";
afterAll(async () => {
  server?.kill("SIGTERM");
  if (server && server.exitCode === null) await new Promise((r) => server!.once("exit", r));
  await deleteRedisPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe("the CLI on the embedded database", () => {
  beforeAll(() => {
    writeFileSync(join(dir, "a.yaml"), profile("alpha-plumbing", "+15555550401"));
    writeFileSync(join(dir, "b.yaml"), profile("beta-hvac", "+15555550402"));
    writeFileSync(join(dir, "bad.yaml"), "slug: bad\nname: Bad\ntimezone: Mars/Olympus\n");
  });

  it("works with no server running (opens ./data itself)", async () => {
    const r = await cli("business", "apply", join(dir, "a.yaml"));
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[a-z0-9]{20,}$/);
  });

  it("works while `npm start` holds the database, through the loopback port it serves", async () => {
    server = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env: { ...baseEnv, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d: Buffer) => (serverLog += d.toString()));
    server.stderr!.on("data", (d: Buffer) => (serverLog += d.toString()));
    const until = Date.now() + 30_000;
    while (!serverLog.includes("workers running") && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(serverLog).toContain("embedded PGlite");
    expect(serverLog).toContain("console provider");

    const apply = await cli("business", "apply", join(dir, "b.yaml"));
    expect(apply.stderr).toContain("created beta-hvac");
    expect(apply.code).toBe(0);
    const list = await cli("business", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^alpha-plumbing\t/m);
    expect(list.stdout).toMatch(/^beta-hvac\t.*\+15555550402$/m);
  });

  it("a bad profile exits 1 with one line naming the field", async () => {
    const r = await cli("business", "apply", join(dir, "bad.yaml"));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: timezone: must be an IANA time zone/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a phone number owned by another business is refused", async () => {
    writeFileSync(join(dir, "c.yaml"), profile("gamma-roofing", "+15555550401"));
    const r = await cli("business", "apply", join(dir, "c.yaml"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/phoneNumbers: \+15555550401 already belongs to business "alpha-plumbing"/);
  });
});

it("a bad environment value stops start-up with one clear line", async () => {
  const r = await run(process.execPath, ["--import", "tsx", "src/main.ts"], { env: { ...baseEnv, PORT: "eighty" }, timeout: 30_000 }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  expect((r as { code: number }).code).toBe(1);
  expect((r as { stderr: string }).stderr.trim()).toBe("Invalid environment: PORT must be a port number (0-65535)");
});

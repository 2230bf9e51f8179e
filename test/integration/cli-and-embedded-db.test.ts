// `npm start` with no DATABASE_URL owns an embedded PGlite; the CLI must still work beside it, by
// sending its commands to that server (never by sharing PGlite's one session), and nobody else may
// reach the database.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import pg from "pg";
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

/** DATA_DIR/pglite-server.json: who holds the embedded database and how the CLI reaches it */
function holder(): { pid: number; url?: string; secret?: string; socket?: string } {
  return JSON.parse(readFileSync(join(dir, "data", "pglite-server.json"), "utf8")) as ReturnType<typeof holder>;
}

/** TCP ports a process listens on (Linux /proc) */
function tcpListenPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A" && inodes.has(cols[9]!)) ports.add(parseInt(cols[1]!.split(":")[1]!, 16));
    }
  }
  return [...ports];
}

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

  it("works while `npm start` holds the database, by sending the command to that server", async () => {
    server = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env: { ...baseEnv, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d: Buffer) => (serverLog += d.toString()));
    server.stderr!.on("data", (d: Buffer) => (serverLog += d.toString()));
    const until = Date.now() + 30_000;
    while (!serverLog.includes("workers running") && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(serverLog).toContain("embedded PGlite");
    expect(serverLog).toContain("console provider");

    const apply = await cli("business", "apply", join(dir, "b.yaml"));
    expect(apply.stderr).toContain("created beta-hvac");
    expect(apply.stderr).toContain(`through the running server (pid ${server.pid})`);
    expect(apply.code).toBe(0);
    expect(serverLog).toMatch(/local CLI: business applied.*beta-hvac|beta-hvac.*local CLI: business applied/);
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

  it("`token create` goes through the running server too, and its token works there (no ADMIN_TOKEN set)", async () => {
    const { url } = holder();
    const r = await cli("token", "create", "beta-hvac", "--label", "front desk");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("through the running server");
    const token = r.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(serverLog).toContain("local CLI: admin token created");
    expect(serverLog).not.toContain(token);
    const as = (slug: string) => fetch(`${url}/api/admin/businesses/${slug}/conversations`, { headers: { authorization: `Bearer ${token}` } });
    expect((await as("beta-hvac")).status).toBe(200);
    expect((await as("alpha-plumbing")).status).toBe(404);
  });

  it("the server's CLI routes need the per-run secret from pglite-server.json", async () => {
    const { url, secret } = holder();
    const list = (authorization?: string) => fetch(`${url}/internal/cli/business/list`, { headers: authorization ? { authorization } : {} });
    expect((await list()).status).toBe(404);
    expect((await list(`Bearer ${"x".repeat(43)}`)).status).toBe(404);
    const ok = await list(`Bearer ${secret}`);
    expect(ok.status).toBe(200);
    expect(JSON.stringify(await ok.json())).toContain("beta-hvac");
  });

  it("the embedded database is not open to other local users: no TCP port, an owner-only unix socket, a 0600 secret file", async () => {
    const info = holder();
    expect(info).not.toHaveProperty("port");
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(join(dir, "data"))).toBe(0o700);
    expect(mode(join(dir, "data", "pglite-server.json"))).toBe(0o600);
    expect(info.socket).toBe(join(dir, "data", ".s.PGSQL.5432"));
    expect(mode(info.socket!)).toBe(0o600);
    // the server listens on one TCP port: its HTTP port
    expect(tcpListenPorts(server!.pid!)).toEqual([Number(new URL(info.url!).port)]);
    // the owner can still look inside with psql -h DATA_DIR
    const c = new pg.Client({ host: join(dir, "data"), port: 5432, user: "postgres", database: "postgres" });
    await c.connect();
    const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM "Business"');
    await c.end();
    expect(rows[0]!.n).toBe(2);
  });

  it.skipIf(process.getuid?.() !== 0)("another local user cannot connect to the socket", async () => {
    chmodSync(dir, 0o755); // only the data folder's own permissions stand in the way now
    const probe = `require("net").connect(${JSON.stringify(join(dir, "data", ".s.PGSQL.5432"))}).on("connect", () => { console.log("connected"); process.exit(0) }).on("error", (e) => { console.log(e.code); process.exit(0) })`;
    const r = await run("runuser", ["-u", "nobody", "--", process.execPath, "-e", probe], { timeout: 10_000 });
    expect(r.stdout.trim()).toBe("EACCES");
  });

  it("once the server stops, the CLI opens ./data itself again", async () => {
    server!.kill("SIGTERM");
    if (server!.exitCode === null) await new Promise((r) => server!.once("exit", r));
    const list = await cli("business", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^beta-hvac\t/m);
  }, 60_000);
});

it("a bad environment value stops start-up with one clear line", async () => {
  const r = await run(process.execPath, ["--import", "tsx", "src/main.ts"], { env: { ...baseEnv, PORT: "eighty" }, timeout: 30_000 }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  expect((r as { code: number }).code).toBe(1);
  expect((r as { stderr: string }).stderr.trim()).toBe("Invalid environment: PORT must be a port number (0-65535)");
});

// Issue 8 item 13: `npm install && npm start` on a machine with nothing running. With REDIS_URL
// unset and nothing answering on the default address, `npm start` runs its own redis-server (or
// says in one line how to get one). The machine's own Redis on 6379 serves the other tests, so
// the probed address is moved to a closed port with the test-only LEADLINE_REDIS_PROBE_URL.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterAll, expect, it } from "vitest";
import { Redis } from "ioredis";
import { answersPing, ensureRedis, probeRedis, RedisSetupError, redisPasswordFile } from "../../src/boot/ensure-redis.ts";
import { parseEnv } from "../../src/config/env.ts";
import { REDIS_URL } from "../helpers/test-leadline.ts";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "leadline-redis-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** a port nothing listens on (taken and released) */
function closedPort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

function baseEnv(probePort: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: join(dir, "data"),
    DATABASE_URL: "",
    LEADLINE_REDIS_PROBE_URL: `redis://127.0.0.1:${probePort}`,
    TWILIO_ACCOUNT_SID: "",
    TWILIO_AUTH_TOKEN: "",
    PUBLIC_BASE_URL: "",
    NODE_ENV: "",
    LOG_LEVEL: "info",
    PORT: "0",
  };
  delete env.REDIS_URL;
  return env;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let server: ChildProcess | undefined;
afterAll(() => {
  if (server && server.exitCode === null) server.kill("SIGKILL");
});

it("REDIS_URL unset, nothing answering: starts a local redis-server, becomes ready, stops it on SIGTERM", { timeout: 60_000 }, async () => {
  const probePort = await closedPort();
  server = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env: baseEnv(probePort), stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  server.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  server.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((ok) => server!.once("exit", (code) => ok(code)));

  const until = Date.now() + 45_000;
  while (!log.includes("workers running") && server.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  expect(log).toContain("workers running");

  const started = log.split("\n").find((l) => l.includes("started a local redis-server"));
  expect(started, log).toBeDefined();
  const { pid, url } = JSON.parse(started!) as { pid: number; url: string };
  expect(url).toBe(`redis://127.0.0.1:${probePort}`); // the default port when free (the CLI finds it there)
  expect(alive(pid)).toBe(true);
  expect(existsSync(join(dir, "data", "redis", "appendonlydir"))).toBe(true); // append-only, beside the embedded database

  // 127.0.0.1 only, with a random password kept beside the embedded database (0600), never logged
  const passwordFile = join(dir, "data", "redis-password");
  expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
  const password = readFileSync(passwordFile, "utf8").trim();
  expect(password).toMatch(/^[0-9a-f]{64}$/);
  expect(log).not.toContain(password);
  expect(await probeRedis("127.0.0.1", probePort, 500)).toBe("needs-password");
  expect(await probeRedis("127.0.0.1", probePort, 500, "not-the-password-at-all")).toBe("needs-password");
  const admin = new Redis({ host: "127.0.0.1", port: probePort, password, lazyConnect: true, maxRetriesPerRequest: 0 });
  await admin.connect();
  expect(await admin.config("GET", "bind")).toEqual(["bind", "127.0.0.1"]);
  admin.disconnect();

  const port = /"port":(\d+)[^\n]*web listening/.exec(log)?.[1];
  expect(port).toBeDefined();
  const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(healthz.status).toBe(200);
  const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(await readyz.json()).toEqual({ postgres: "ok", redis: "ok" });
  expect(readyz.status).toBe(200);

  server.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(alive(pid)).toBe(false);
  expect(log).toContain("local redis-server stopped");
});

it("REDIS_URL unset, nothing answering and no redis-server installed: one line saying what to do, exit 1", async () => {
  const probePort = await closedPort();
  const r = await run(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...baseEnv(probePort), PATH: "/nonexistent" },
    timeout: 30_000,
  }).then(
    (ok) => ({ code: 0, ...ok }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    `Redis is not running at 127.0.0.1:${probePort} and redis-server is not installed: install it (apt-get install redis-server / brew install redis) or set REDIS_URL\n`,
  );
  expect(r.stdout).toBe("");
});

it("REDIS_URL set explicitly but unreachable: nothing is started (BullMQ retries, /readyz reports it)", async () => {
  const probePort = await closedPort();
  const redisPort = await closedPort();
  const env = parseEnv({ ...baseEnv(probePort), REDIS_URL: `redis://127.0.0.1:${redisPort}` });
  const r = await ensureRedis(env, pino({ level: "silent" }));
  expect(r.url).toBe(`redis://127.0.0.1:${redisPort}`);
  expect(await answersPing("127.0.0.1", probePort, 300)).toBe(false);
  expect(await answersPing("127.0.0.1", redisPort, 300)).toBe(false);
  await r.stop();
});

it("REDIS_URL unset and a Redis answers on the default address: it is used, nothing is started", async () => {
  const { hostname, port } = new URL(REDIS_URL);
  const env = parseEnv({ ...baseEnv(0), LEADLINE_REDIS_PROBE_URL: REDIS_URL });
  const r = await ensureRedis(env, pino({ level: "silent" }));
  expect(r.url).toBe(REDIS_URL);
  expect(await answersPing(hostname, Number(port || 6379), 300)).toBe(true);
  await r.stop();
});

it("the password is made once and reused: a second start, and a CLI finding the running one, use the same file", { timeout: 60_000 }, async () => {
  const silent = pino({ level: "silent" });
  const own = mkdtempSync(join(tmpdir(), "leadline-redis-pw-"));
  try {
    const probePort = await closedPort();
    const env = parseEnv({ ...baseEnv(probePort), DATA_DIR: join(own, "data") });
    const first = await ensureRedis(env, silent);
    const file = redisPasswordFile(env.DATA_DIR);
    const password = readFileSync(file, "utf8").trim();
    expect(first.url).toBe(`redis://:${password}@127.0.0.1:${probePort}`);
    // the app's own client connects with it
    const app = new Redis(first.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await app.connect();
    expect(await app.ping()).toBe("PONG");
    app.disconnect();

    // while it runs, another process (the CLI's `agent chat`) finds it and authenticates: nothing new is started
    const cli = await ensureRedis(env, silent);
    expect(cli.url).toBe(first.url);
    await cli.stop();
    expect(await probeRedis("127.0.0.1", probePort, 500, password)).toBe("authenticated");

    await first.stop();
    expect(await answersPing("127.0.0.1", probePort, 300)).toBe(false);

    // the next start reuses the file (a copy restored with wider permissions is tightened)
    writeFileSync(file, `${password}\n`, { mode: 0o644 });
    const second = await ensureRedis(env, silent);
    expect(second.url).toBe(first.url);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // a Redis there that wants a password this data folder does not have: one clear line, nothing started
    const stranger = parseEnv({ ...baseEnv(probePort), DATA_DIR: join(own, "other") });
    await expect(ensureRedis(stranger, silent)).rejects.toThrow(RedisSetupError);
    await expect(ensureRedis(stranger, silent)).rejects.toThrow(`a Redis at 127.0.0.1:${probePort} wants a password Leadline does not have: set REDIS_URL`);
    await second.stop();
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});

// `npm start` on a fresh machine: with REDIS_URL unset and nothing answering on the default
// address, run a local redis-server (data beside the embedded database, append-only) for as long
// as Leadline runs. It listens on 127.0.0.1 only and wants a password: a random one kept in
// DATA_DIR/redis-password (mode 0600), reused on the next start, handed to redis-server on its
// stdin (never on its command line, which `ps` shows to every local user). An explicit REDIS_URL
// is never second-guessed: BullMQ retries, /readyz tells.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { delimiter, join, resolve } from "node:path";
import { DEFAULT_REDIS_URL, type TEnv } from "../config/env.ts";
import type { Logger } from "../lib/logger.ts";

export interface EnsuredRedis {
  /** the Redis URL Leadline should use */
  url: string;
  /** stops the redis-server this process started (nothing otherwise) */
  stop(): Promise<void>;
}

/** Start-up cannot get a Redis; the message is the one line to print (no stack trace). */
export class RedisSetupError extends Error {}

const PROBE_MS = 500;
const START_MS = 15_000;

export async function ensureRedis(
  env: Pick<TEnv, "REDIS_URL" | "REDIS_URL_SET" | "LEADLINE_REDIS_PROBE_URL" | "DATA_DIR">,
  log: Logger,
): Promise<EnsuredRedis> {
  const none = async () => {};
  if (env.REDIS_URL_SET) return { url: env.REDIS_URL, stop: none };
  // LEADLINE_REDIS_PROBE_URL is for tests only: they cannot stop the machine's Redis on 6379
  const url = env.LEADLINE_REDIS_PROBE_URL ?? DEFAULT_REDIS_URL;
  const { hostname, port } = new URL(url);
  const host = hostname || "127.0.0.1";
  const probePort = Number(port || 6379);
  const where = `${host}:${probePort}`;
  const passwordFile = redisPasswordFile(env.DATA_DIR);
  const known = existsSync(passwordFile) ? readPassword(passwordFile) : undefined;
  const found = await probeRedis(host, probePort, PROBE_MS, known);
  if (found === "open") return { url, stop: none };
  // our own redis-server from an earlier run (left by a crash), or the one `npm start` runs while the CLI asks
  if (found === "authenticated") return { url: withPassword(url, known!), stop: none };
  if (found === "needs-password") {
    throw new RedisSetupError(`a Redis at ${where} wants a password Leadline does not have: set REDIS_URL (redis://:PASSWORD@${where})`);
  }

  const binary = findOnPath("redis-server");
  if (!binary) {
    throw new RedisSetupError(
      `Redis is not running at ${where} and redis-server is not installed: install it (apt-get install redis-server / brew install redis) or set REDIS_URL`,
    );
  }
  const dir = resolve(env.DATA_DIR, "redis");
  mkdirSync(dir, { recursive: true });
  const password = known ?? createPassword(passwordFile);
  // The default port when it is free (so the CLI, which also defaults to it, finds this Redis and
  // an orphan left by a crash is simply reused next time), else any free one.
  const listenPort = (await isFree(probePort)) ? probePort : await freePort();
  // "-": the rest of the configuration (the password) comes on stdin
  const child = spawn(binary, ["--port", String(listenPort), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", "", "-"], {
    // its own process group: Ctrl-C reaches Leadline, which stops Redis after its own queues
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin!.on("error", () => {}); // a redis-server that failed to start closes it early: the exit says why
  child.stdin!.end(`requirepass ${password}\n`);
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-2000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let ended = false;
  let stopping = false;
  let ready = false;
  const exited = new Promise<void>((ok) => {
    const end = () => {
      ended = true;
      ok();
    };
    child.once("exit", (code, signal) => {
      if (ready && !stopping) log.error({ code, signal, output: output.trim().split("\n").slice(-3) }, "the local redis-server exited");
      end();
    });
    child.once("error", (err) => {
      keep(Buffer.from(String(err)));
      if (child.pid === undefined) end(); // never started: no exit event follows
    });
  });
  const stop = async () => {
    stopping = true;
    if (!ended) await stopChild(child, exited);
  };
  const killOnExit = () => child.kill("SIGTERM"); // Leadline exits without stop(): Redis still flushes and exits on its own
  process.once("exit", killOnExit);

  let timedOut = false;
  const timer = setTimeout(() => (timedOut = true), START_MS);
  while ((await probeRedis("127.0.0.1", listenPort, PROBE_MS, password)) !== "authenticated") {
    if (ended || timedOut) {
      clearTimeout(timer);
      process.off("exit", killOnExit);
      await stop();
      const last = output.trim().split("\n").pop() ?? "";
      throw new RedisSetupError(`Redis is not running at ${where} and the local redis-server did not start${last ? `: ${last}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  clearTimeout(timer);
  ready = true;
  const started = `redis://127.0.0.1:${listenPort}`;
  log.info(
    { url: started, pid: child.pid, dir, passwordFile },
    `no REDIS_URL and nothing answers at ${where}: started a local redis-server (127.0.0.1 only, password in ${passwordFile}, append-only, data in ${dir})`,
  );
  return {
    url: withPassword(started, password),
    async stop() {
      process.off("exit", killOnExit);
      await stop();
      log.info({ pid: child.pid }, "local redis-server stopped");
    },
  };
}

/** SIGTERM (Redis flushes its append-only file and exits), SIGKILL after 5 s. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** DATA_DIR/redis-password: beside the embedded database, like the rest of the local data */
export function redisPasswordFile(dataDir: string): string {
  return resolve(dataDir, "redis-password");
}

/** A new random password in `file`, created 0600 and never overwritten (two starts at once: the first one wins). */
function createPassword(file: string): string {
  try {
    writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return readPassword(file);
}

function readPassword(file: string): string {
  chmodSync(file, 0o600); // a copy restored with wider permissions is tightened again
  const password = readFileSync(file, "utf8").trim();
  if (!/^[A-Za-z0-9_-]{16,}$/.test(password))
    throw new RedisSetupError(`${file} does not hold a usable Redis password (16+ letters or digits): delete it and start again`);
  return password;
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.username = "";
  u.password = password;
  return u.toString().replace(/\/$/, "");
}

/**
 * What answers at host:port within `ms`: nothing ("absent"), a Redis without a password ("open"),
 * one that took `password` ("authenticated"), or one that wants a password we do not have.
 */
export function probeRedis(host: string, port: number, ms: number, password?: string): Promise<"absent" | "open" | "authenticated" | "needs-password"> {
  return new Promise((ok) => {
    const socket = createConnection({ host, port });
    let received = "";
    const done = (answer: "absent" | "open" | "authenticated" | "needs-password") => {
      clearTimeout(timer);
      socket.destroy();
      ok(answer);
    };
    const timer = setTimeout(() => done("absent"), ms);
    const auth = password === undefined ? "" : `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`;
    socket.once("connect", () => socket.write(`${auth}*1\r\n$4\r\nPING\r\n`));
    socket.on("data", (d: Buffer) => {
      received += d.toString();
      const replies = received.split("\r\n").filter((l) => /^[+-]/.test(l));
      if (replies.length < (password === undefined ? 1 : 2)) return;
      if (password !== undefined && replies[0] === "+OK") return done("authenticated");
      // NOAUTH to the PING (our AUTH was WRONGPASS, or none was sent). A "-ERR … without any password
      // configured" to our AUTH followed by +PONG is a Redis with no password at all
      done(/^-(NOAUTH|WRONGPASS)/.test(replies.at(-1)!) ? "needs-password" : "open");
    });
    socket.once("error", () => done("absent"));
    socket.once("close", () => done("absent"));
  });
}

/** true when something at host:port answers a RESP PING within `ms` (an auth error counts: a Redis is there) */
export function answersPing(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = createConnection({ host, port });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      ok(answer);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.once("connect", () => socket.write("*1\r\n$4\r\nPING\r\n"));
    socket.once("data", (d: Buffer) => done(/^[+-]/.test(d.toString())));
    socket.once("error", () => done(false));
    socket.once("close", () => done(false));
  });
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = createServer();
    s.once("error", () => ok(false));
    s.listen(port, "127.0.0.1", () => s.close(() => ok(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

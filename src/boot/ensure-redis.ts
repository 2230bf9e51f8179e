// `npm start` on a fresh machine: with REDIS_URL unset and nothing answering on the default
// address, run a local redis-server (data beside the embedded database, append-only) for as long
// as Leadline runs. An explicit REDIS_URL is never second-guessed: BullMQ retries, /readyz tells.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
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
  if (await answersPing(host, probePort, PROBE_MS)) return { url, stop: none };

  const where = `${host}:${probePort}`;
  const binary = findOnPath("redis-server");
  if (!binary) {
    throw new RedisSetupError(
      `Redis is not running at ${where} and redis-server is not installed: install it (apt-get install redis-server / brew install redis) or set REDIS_URL`,
    );
  }
  const dir = resolve(env.DATA_DIR, "redis");
  mkdirSync(dir, { recursive: true });
  // The default port when it is free (so the CLI, which also defaults to it, finds this Redis and
  // an orphan left by a crash is simply reused next time), else any free one.
  const listenPort = (await isFree(probePort)) ? probePort : await freePort();
  const child = spawn(binary, ["--port", String(listenPort), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""], {
    // its own process group: Ctrl-C reaches Leadline, which stops Redis after its own queues
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
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
  while (!(await answersPing("127.0.0.1", listenPort, PROBE_MS))) {
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
  log.info({ url: started, pid: child.pid, dir }, `no REDIS_URL and nothing answers at ${where}: started a local redis-server (append-only, data in ${dir})`);
  return {
    url: started,
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

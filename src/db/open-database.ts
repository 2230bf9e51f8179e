// One way to get a Prisma client, whatever the database: a Postgres URL, or (no URL) an embedded
// PGlite under ./data/. PGlite is single-process, so the process that owns it also serves it over
// the Postgres wire protocol on a loopback port and writes that port to ./data/pglite-server.json;
// the CLI (or psql) run beside `npm start` connects there instead of opening the files.
// Paths are resolved from the package root, not the working directory.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "../generated/prisma/client.ts";
import { applyMigrations } from "./schema-engine.ts";

export type Prisma = InstanceType<typeof PrismaClient>;

export interface Database {
  prisma: Prisma;
  /** postgres: DATABASE_URL; pglite: this process owns ./data; pglite-remote: served by a running `npm start` */
  kind: "postgres" | "pglite" | "pglite-remote";
  /** plain SQL with $1… parameters, bypassing Prisma: only for the hottest paths (webhook ingest) */
  sql: SqlRunner;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  /** LISTEN on a notification channel (undefined when another process owns the database) */
  listen?: (channel: string, fn: () => void) => Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type SqlRunner = <R extends Record<string, unknown>>(text: string, values: unknown[]) => Promise<R[]>;

export interface OpenDatabaseOptions {
  url?: string;
  dataDir?: string;
  /** serve an owned PGlite on loopback so other processes can use it (npm start does) */
  serve?: boolean;
  poolSize?: number;
}

/** the package root (src/db/ is two levels down), so `npm start` works from any directory */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SCHEMA = join(PACKAGE_ROOT, "prisma/schema.prisma");
const MIGRATIONS = join(PACKAGE_ROOT, "prisma/migrations");

interface ServerInfo {
  pid: number;
  port: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, "postgres", opts.poolSize);
  const dataDir = resolve(PACKAGE_ROOT, opts.dataDir ?? "data");
  const infoPath = join(dataDir, "pglite-server.json");
  const running = readServerInfo(infoPath);
  if (running) {
    return openPostgres(`postgresql://postgres@127.0.0.1:${running.port}/postgres?sslmode=disable`, "pglite-remote", 1);
  }
  return openPglite(dataDir, infoPath, opts.serve ?? false);
}

function openPostgres(url: string, kind: Database["kind"], poolSize = 20): Database {
  // One pool shared by Prisma and the raw hot path.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  pool.on("error", () => {}); // a dropped idle connection is replaced on next use
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    kind,
    sql: async (text, values) => (await pool.query(text, values)).rows,
    migrate: () => migratePostgres(url),
    ping: async () => {
      await pool.query("SELECT 1");
    },
    ...(kind === "postgres" ? { listen: (channel: string, fn: () => void) => listenPostgres(url, channel, fn) } : {}),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** Runs migrations over a pool of its own, ended afterwards (the engine does not close it). */
export async function migratePostgres(url: string): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await applyMigrations(new PrismaPg(pool), { schema: SCHEMA, migrations: MIGRATIONS });
  } finally {
    await pool.end();
  }
}

function readServerInfo(infoPath: string): ServerInfo | undefined {
  if (!existsSync(infoPath)) return undefined;
  try {
    const info = JSON.parse(readFileSync(infoPath, "utf8")) as ServerInfo;
    process.kill(info.pid, 0); // throws when the owner is gone (stale file)
    return info.pid === process.pid ? undefined : info;
  } catch {
    return undefined;
  }
}

async function openPglite(dataDir: string, infoPath: string, serve: boolean): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(join(dataDir, "pglite"));
  const adapter = new PrismaPGlite(lite) as unknown as SqlMigrationAwareDriverAdapterFactory;
  const prisma = new PrismaClient({ adapter });
  let server: { stop(): Promise<void> } | undefined;
  if (serve) {
    const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
    const port = await freePort();
    const s = new PGLiteSocketServer({ db: lite, host: "127.0.0.1", port, maxConnections: 4 });
    await s.start();
    server = s;
    writeFileSync(infoPath, JSON.stringify({ pid: process.pid, port } satisfies ServerInfo));
  }
  return {
    prisma,
    kind: "pglite",
    sql: async <R>(text: string, values: unknown[]) => (await lite.query<R>(text, values as never[])).rows,
    migrate: () => applyMigrations(adapter, { schema: SCHEMA, migrations: MIGRATIONS }),
    ping: async () => {
      await lite.query("SELECT 1");
    },
    listen: async (channel, fn) => {
      const stop = await lite.listen(channel, () => fn());
      return async () => stop();
    },
    close: async () => {
      await prisma.$disconnect();
      if (server) {
        await server.stop();
        rmSync(infoPath, { force: true });
      }
      await lite.close(); // an unclosed on-disk PGlite makes the next open hang
    },
  };
}

/**
 * A dedicated connection for LISTEN (a pooled one may be handed to someone else). It reconnects
 * after a drop and calls `fn` on every (re)connect, so nothing committed meanwhile waits for a poll.
 */
async function listenPostgres(url: string, channel: string, fn: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    c.on("notification", () => fn());
    c.on("error", () => {});
    c.on("end", () => {
      if (client === c) client = undefined;
      if (!stopped) schedule();
    });
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    client = c;
    fn();
  };
  const schedule = () => {
    clearTimeout(retry);
    retry = setTimeout(() => void connect().catch(schedule), 1000);
    retry.unref();
  };
  await connect().catch(schedule);
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

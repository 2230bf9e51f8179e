// One way to get a Prisma client, whatever the database: a Postgres URL, or (no URL) an embedded
// PGlite under ./data/. PGlite is single-process, so the process that owns it also serves it over
// the Postgres wire protocol on a loopback port and writes that port to ./data/pglite-server.json;
// the CLI (or psql) run beside `npm start` connects there instead of opening the files.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
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

const SCHEMA = resolve("prisma/schema.prisma");
const MIGRATIONS = resolve("prisma/migrations");

interface ServerInfo {
  pid: number;
  port: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, "postgres", opts.poolSize);
  const dataDir = resolve(opts.dataDir ?? "data");
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
    sql: async <R,>(text: string, values: unknown[]) => (await lite.query<R>(text, values as never[])).rows,
    migrate: () => applyMigrations(adapter, { schema: SCHEMA, migrations: MIGRATIONS }),
    ping: async () => {
      await lite.query("SELECT 1");
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

// One way to get a Prisma client, whatever the database: a Postgres URL, or (no URL) an embedded
// PGlite under ./data/. PGlite is one process with one session, so exactly one process may hold it:
// the holder claims ./data/pglite-server.json (created exclusively, mode 0600; a dead holder's file
// is stale and replaced). `npm start` (serve) also writes there the URL of its HTTP server and a
// per-run secret: a CLI run beside it sends its command to that server (src/http/local-cli-routes.ts)
// instead of opening a database session whose transactions would interleave with the server's.
// For the owner's own inspection (`psql -h ./data`), the server also listens on a unix socket in the
// data folder (folder 0700, socket 0600): never on a TCP port, never reachable by other local users.
// Paths are resolved from the package root, not the working directory.
import { randomBytes } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "../generated/prisma/client.ts";
import { applyMigrations } from "./schema-engine.ts";
import { listenPostgres } from "./listen-postgres.ts";
import {
  liteSqlBatch,
  liteSqlRunner,
  liteSqlTransaction,
  pgSqlBatch,
  pgSqlRunner,
  pgSqlTransaction,
  type SqlBatch,
  type SqlRunner,
  type SqlTransaction,
} from "./raw-sql-runners.ts";

export type Prisma = InstanceType<typeof PrismaClient>;

export interface Database {
  prisma: Prisma;
  /** postgres: DATABASE_URL; pglite: this process holds the embedded database in ./data */
  kind: "postgres" | "pglite";
  /** plain SQL with $1… parameters, bypassing Prisma: only for the hottest paths (webhook ingest) */
  sql: SqlRunner;
  /** one transaction of plain SQL on one connection (BEGIN … COMMIT; ROLLBACK when `fn` throws) */
  sqlTransaction: SqlTransaction;
  /** a few statements as one transaction in one round trip (see SqlBatch) */
  sqlBatch: SqlBatch;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  /** LISTEN on a notification channel */
  listen?: (channel: string, fn: () => void) => Promise<() => Promise<void>>;
  /**
   * An embedded database held by a server (serve): the secret a local CLI presents to this
   * process's /internal/cli routes, and `announce(url)` to publish the HTTP URL it listens on.
   */
  localCli?: { secret: string; announce(url: string): void };
  close(): Promise<void>;
}

export type { SqlBatch, SqlRunner, SqlStatement, SqlTransaction } from "./raw-sql-runners.ts";
export { parseUtcTimestamp } from "./raw-sql-runners.ts";

export interface OpenDatabaseOptions {
  url?: string;
  dataDir?: string;
  /** the embedded database is held by a server: local CLIs reach it through its HTTP API (npm start) */
  serve?: boolean;
  poolSize?: number;
  /** how long to wait for another command to let go of the embedded database (default 30 s; a server is not waited for) */
  waitMs?: number;
}

/** the package root (src/db/ is two levels down), so `npm start` works from any directory */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SCHEMA = join(PACKAGE_ROOT, "prisma/schema.prisma");
const MIGRATIONS = join(PACKAGE_ROOT, "prisma/migrations");
/** `psql -h DATA_DIR` finds the server's socket under Postgres's own name for port 5432 */
const SOCKET_NAME = ".s.PGSQL.5432";
/** sun_path holds 108 bytes on Linux, 104 on macOS */
const MAX_SOCKET_PATH = 103;

/** DATA_DIR/pglite-server.json: who holds the embedded database, and how a CLI reaches it. */
export interface EmbeddedHolder {
  pid: number;
  /** a server (npm start) rather than a one-off command */
  serve: boolean;
  /** the server's HTTP base URL, once it listens */
  url?: string;
  /** the per-run secret for /internal/cli (servers only) */
  secret?: string;
  /** the owner-only unix socket, when the path fits */
  socket?: string;
}

export class DatabaseBusyError extends Error {
  constructor(
    message: string,
    /** the process holding the embedded database, when known */
    readonly holder?: EmbeddedHolder,
  ) {
    super(message);
  }
}

/** resolves DATA_DIR the way openDatabase does */
export function resolveDataDir(dataDir = "data"): string {
  return resolve(PACKAGE_ROOT, dataDir);
}

/** The live process holding the embedded database in dataDir, if any (a dead holder's file is stale). */
export function readEmbeddedHolder(dataDir: string): EmbeddedHolder | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, "pglite-server.json"), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DatabaseBusyError(
      `cannot read ${join(dataDir, "pglite-server.json")} (${(e as NodeJS.ErrnoException).code}): is another user running Leadline here?`,
    );
  }
  let info: EmbeddedHolder;
  try {
    info = JSON.parse(text) as EmbeddedHolder;
  } catch {
    return undefined; // only ever written whole (link/rename), so unparseable means junk
  }
  return typeof info.pid === "number" && isAlive(info.pid) ? info : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // someone else's live process
  }
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolSize);
  const dataDir = resolveDataDir(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dataDir, 0o700); // the database files, the socket and the secret are the owner's alone
  } catch {
    // a folder we may not change (e.g. someone else's mount): its own permissions apply
  }
  const holder = await claimEmbedded(dataDir, opts.serve ?? false, opts.waitMs ?? 30_000);
  try {
    return await openPglite(dataDir, holder);
  } catch (e) {
    holder.release();
    throw e;
  }
}

interface Claim {
  info: EmbeddedHolder;
  write(info: EmbeddedHolder): void;
  release(): void;
}

/**
 * Takes DATA_DIR/pglite-server.json exclusively (link(2) of a complete file, so a reader never sees
 * half of one). Another command holding it is waited for; a server is not (it holds it until it stops).
 */
async function claimEmbedded(dataDir: string, serve: boolean, waitMs: number): Promise<Claim> {
  const path = join(dataDir, "pglite-server.json");
  const info: EmbeddedHolder = { pid: process.pid, serve, ...(serve ? { secret: randomBytes(32).toString("base64url") } : {}) };
  const writeTemp = (i: EmbeddedHolder) => {
    const tmp = `${path}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    writeFileSync(tmp, JSON.stringify(i), { mode: 0o600, flag: "wx" });
    return tmp;
  };
  for (let waited = 0; ; waited += 100) {
    const tmp = writeTemp(info);
    try {
      linkSync(tmp, path); // fails with EEXIST while someone holds it
      const claim: Claim = {
        info,
        write(next) {
          renameSync(writeTemp(next), path);
          claim.info = next;
        },
        release() {
          if (readEmbeddedHolder(dataDir)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
      return claim;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      rmSync(tmp, { force: true });
    }
    const holder = readEmbeddedHolder(dataDir);
    // stale: its process is gone, or it had our pid (a container restarted with the same data)
    if (!holder || holder.pid === process.pid) {
      rmSync(path, { force: true });
      continue;
    }
    if (holder.serve || waited >= waitMs) {
      throw new DatabaseBusyError(
        `the embedded database in ${dataDir} is in use by ${holder.serve ? "a running Leadline" : "another command"} (pid ${holder.pid}): stop it, or set DATABASE_URL (if pid ${holder.pid} is not Leadline, delete ${path})`,
        holder,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** about as many connections as one agent turn and its background work use at once */
const WARM_CONNECTIONS = 8;

function openPostgres(url: string, poolSize = 20): Database {
  // One pool shared by Prisma and the raw hot path. Pipelined: a batch (sqlBatch) is one round trip;
  // callers that await each query (Prisma, pool.query, sqlTransaction) see no difference. A warm
  // core is kept however quiet it gets: with every idle connection closed after 10 s, a quiet shop's
  // next text met new backends (a fork, cold caches): its door took 37–47 ms, not 5 ms.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, min: Math.min(poolSize, WARM_CONNECTIONS), connectionTimeoutMillis: 5_000, pipeline: true });
  pool.on("error", () => {}); // a dropped idle connection is replaced on next use
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    kind: "postgres",
    sql: pgSqlRunner(pool),
    sqlTransaction: pgSqlTransaction(pool),
    sqlBatch: pgSqlBatch(pool),
    migrate: () => migratePostgres(url),
    ping: async () => {
      await pool.query("SELECT 1");
    },
    listen: (channel: string, fn: () => void) => listenPostgres(url, channel, fn),
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

async function openPglite(dataDir: string, claim: Claim): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  // btree_gist: the appointments' exclusion constraint (one crew, one place at a time)
  const { btree_gist } = await import("@electric-sql/pglite/contrib/btree_gist");
  const lite = await PGlite.create(join(dataDir, "pglite"), { extensions: { btree_gist } });
  const adapter = new PrismaPGlite(lite) as unknown as SqlMigrationAwareDriverAdapterFactory;
  const prisma = new PrismaClient({ adapter });
  let server: { stop(): Promise<void> } | undefined;
  let socket: string | undefined;
  const { secret } = claim.info;
  if (secret) {
    // No TCP port: other local users cannot reach the socket (0600 in a 0700 folder).
    const path = join(dataDir, SOCKET_NAME);
    if (path.length <= MAX_SOCKET_PATH) {
      const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
      rmSync(path, { force: true }); // left by a holder that died: we hold the claim now
      const s = new PGLiteSocketServer({ db: lite, path, maxConnections: 2 });
      await s.start();
      chmodSync(path, 0o600);
      server = s;
      socket = path;
      claim.write({ ...claim.info, socket });
    }
  }
  return {
    prisma,
    kind: "pglite",
    sql: liteSqlRunner(lite),
    sqlTransaction: liteSqlTransaction(lite),
    sqlBatch: liteSqlBatch(lite),
    migrate: () => applyMigrations(adapter, { schema: SCHEMA, migrations: MIGRATIONS }),
    ping: async () => {
      await lite.query("SELECT 1");
    },
    listen: async (channel, fn) => {
      const stop = await lite.listen(channel, () => fn());
      return async () => stop();
    },
    ...(secret ? { localCli: { secret, announce: (url: string) => claim.write({ ...claim.info, url }) } } : {}),
    close: async () => {
      // a CLI started now waits for the release below instead of calling a server that is going away
      if (claim.info.url) claim.write({ ...claim.info, url: undefined });
      await prisma.$disconnect();
      if (server) {
        await server.stop();
        if (socket) rmSync(socket, { force: true });
      }
      await lite.close(); // an unclosed on-disk PGlite makes the next open hang
      claim.release(); // last: only now may another process open the files
    },
  };
}

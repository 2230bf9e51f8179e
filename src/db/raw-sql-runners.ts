// Raw SQL with $1… parameters on either database, bypassing Prisma (the hot paths): a runner and a
// transaction for a pg pool and for PGlite. Prisma stores DateTime as `timestamp(3)` (no zone)
// holding UTC; both drivers would read one in the process's local zone
// (`new Date("2026-12-07 09:00:00")`), so these read it as UTC, as Prisma does.
import type { PGlite, Transaction } from "@electric-sql/pglite";
import pg from "pg";

/** `prepareAs`: a name under which Postgres keeps the statement's plan per connection (a statement run very often); PGlite ignores it */
export type SqlRunner = <R extends Record<string, unknown>>(text: string, values: unknown[], prepareAs?: string) => Promise<R[]>;
export type SqlTransaction = <T>(fn: (sql: SqlRunner) => Promise<T>) => Promise<T>;
export interface SqlStatement {
  text: string;
  values: unknown[];
  /** as SqlRunner's */
  prepareAs?: string | undefined;
}
/**
 * Statements run in order as one transaction, written together (BEGIN, each, COMMIT): one round
 * trip on Postgres. A later statement sees what the earlier ones wrote but not their results, so it
 * finds what it needs by key. A failing statement aborts the transaction (what follows it is refused
 * and the COMMIT rolls back) and its error is thrown. Each statement's rows, in order.
 */
export type SqlBatch = ((statements: readonly SqlStatement[], opts?: BatchOptions) => Promise<Record<string, unknown>[][]>) & {
  /**
   * true: the statements travel together (Postgres). false: they run one by one in this process
   * (PGlite), where a batch saves nothing and a statement the caller could have skipped after
   * reading an earlier result costs its full price: such a caller runs a transaction instead.
   */
  oneTrip: boolean;
};

export interface BatchOptions {
  /**
   * The COMMIT returns without waiting for its WAL to reach the disk (`synchronous_commit` off for
   * this transaction only; Postgres): one fsync fewer on the way, 0.6 ms typically and 5 ms at the
   * 99th percentile on a small VM. A Postgres crash within about 0.6 s may lose such a commit (never
   * corrupt it, never keep a later one without it), and any later synchronous commit on any
   * connection makes it durable. Only for writes a durable row re-creates when they are lost.
   */
  relaxed?: boolean;
}

const TIMESTAMP_OID = 1114;

/** "2026-12-07 09:00:00.123" (or ±infinity) → that instant in UTC */
export function parseUtcTimestamp(s: string): Date {
  if (s === "infinity") return new Date(8.64e15);
  if (s === "-infinity") return new Date(-8.64e15);
  return new Date(`${s.replace(" ", "T")}Z`);
}

const pgTypes = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID ? parseUtcTimestamp : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format ?? "text"),
} as pg.CustomTypesConfig;

const onPg =
  (q: pg.Pool | pg.PoolClient): SqlRunner =>
  async (text, values, prepareAs) =>
    (await q.query(prepareAs ? { name: prepareAs, text, values, types: pgTypes } : { text, values, types: pgTypes })).rows;

export function pgSqlRunner(pool: pg.Pool): SqlRunner {
  return onPg(pool);
}

export function pgSqlTransaction(pool: pg.Pool): SqlTransaction {
  return async (fn) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const r = await fn(onPg(client));
      await client.query("COMMIT");
      return r;
    } catch (e) {
      // a connection that cannot even roll back is not handed to the next caller
      await client.query("ROLLBACK").catch((r: Error) => (broken = r));
      throw e;
    } finally {
      client.release(broken);
    }
  };
}

/** The pool's clients must pipeline (`pipeline: true`): the statements are sent without waiting for each other. */
export function pgSqlBatch(pool: pg.Pool): SqlBatch {
  const batch = async (statements: readonly SqlStatement[], opts: BatchOptions = {}) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      // corked, so the whole transaction leaves in one write
      const socket = client.connection.stream;
      socket.cork();
      let sent: Promise<pg.QueryResult>[];
      try {
        sent = [
          client.query("BEGIN"),
          ...(opts.relaxed ? [client.query("SET LOCAL synchronous_commit TO OFF")] : []),
          ...statements.map((s) => client.query({ ...(s.prepareAs ? { name: s.prepareAs } : {}), text: s.text, values: s.values, types: pgTypes })),
          client.query("COMMIT"),
        ];
      } finally {
        socket.uncork(); // never handed back corked
      }
      const settled = await Promise.allSettled(sent);
      // the first failure is the cause; the refusals after it only echo it
      const failed = settled.find((r) => r.status === "rejected");
      if (failed) {
        // a COMMIT in a transaction aborted by a statement rolls back; if it was the COMMIT itself
        // that failed, or the connection, the client is not handed on in a doubtful state
        if (settled.at(-1)!.status === "rejected" || client.getTransactionStatus() !== "I") broken = failed.reason as Error;
        throw failed.reason;
      }
      return settled.slice(opts.relaxed ? 2 : 1, -1).map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value.rows);
    } finally {
      client.release(broken);
    }
  };
  return Object.assign(batch, { oneTrip: true });
}

const onLite =
  (q: PGlite | Transaction): SqlRunner =>
  async <R>(text: string, values: unknown[]) =>
    (await q.query<R>(text, values as never[], { parsers: { [TIMESTAMP_OID]: parseUtcTimestamp } })).rows;

export function liteSqlRunner(lite: PGlite): SqlRunner {
  return onLite(lite);
}

export function liteSqlTransaction(lite: PGlite): SqlTransaction {
  return (fn) => lite.transaction((tx) => fn(onLite(tx)));
}

/** PGlite runs in this process: no round trips to save, so the statements simply run in order in one transaction (always synchronous). */
export function liteSqlBatch(lite: PGlite): SqlBatch {
  const batch = (statements: readonly SqlStatement[]) =>
    lite.transaction(async (tx) => {
      const sql = onLite(tx);
      const rows: Record<string, unknown>[][] = [];
      for (const s of statements) rows.push(await sql(s.text, s.values));
      return rows;
    });
  return Object.assign(batch, { oneTrip: false });
}

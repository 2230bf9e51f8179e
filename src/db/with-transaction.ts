// An interactive transaction that is re-run when Postgres aborts it for a reason that a retry can
// fix: a serialization failure (40001, Serializable/RepeatableRead) or a deadlock (40P01). The
// whole function is re-run, since a transaction's reads are stale once it aborted; so `fn` must
// have no side effects outside the database. Everything else, unique violations included, is a
// real answer and is rethrown unchanged on the first attempt.
import type { Prisma, SqlRunner, SqlTransaction } from "./open-database.ts";
import { isRetryableTxError, isUniqueViolation } from "./map-db-error.ts";

/** The client handed to `prisma.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Prisma["$transaction"]>[0]>[0];

export interface TransactionOptions {
  /** re-runs after the first attempt (default 3) */
  retries?: number;
  isolationLevel?: "ReadCommitted" | "RepeatableRead" | "Serializable";
  /** how long to wait for a connection from the pool (Prisma default 2000) */
  maxWaitMs?: number;
  /** the whole transaction, lock waits included (Prisma default 5000) */
  timeoutMs?: number;
  /**
   * also re-run (once) after a unique violation: for find-or-create code whose row may have been
   * created by a writer outside the transaction, where the re-run finds the winner's row
   */
  retryUniqueViolation?: boolean;
}

export async function withTransaction<T>(prisma: Prisma, fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  const txOpts = {
    ...(opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : {}),
    ...(opts.maxWaitMs !== undefined ? { maxWait: opts.maxWaitMs } : {}),
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
  };
  return retried(() => prisma.$transaction(fn, txOpts), opts);
}

/**
 * The same for a transaction of raw SQL (the hot paths: a few statements, none through Prisma's
 * engine). Read committed; the pool's own wait and no transaction timeout.
 */
export async function withSqlTransaction<T>(
  run: SqlTransaction,
  fn: (sql: SqlRunner) => Promise<T>,
  opts: Pick<TransactionOptions, "retries" | "retryUniqueViolation"> = {},
): Promise<T> {
  return retried(() => run(fn), opts);
}

/** The same rule for work that is one transaction by itself (a SqlBatch): `attempt` is run again whole. */
export async function retried<T>(attempt: () => Promise<T>, opts: Pick<TransactionOptions, "retries" | "retryUniqueViolation">): Promise<T> {
  const retries = Math.max(0, opts.retries ?? 3);
  let uniqueRetried = false;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (opts.retryUniqueViolation && !uniqueRetried && isUniqueViolation(e)) {
        uniqueRetried = true;
        continue;
      }
      if (n >= retries || !isRetryableTxError(e)) throw e;
      await sleep(backoffMs(n));
    }
  }
}

// Jittered so that the two transactions that collided don't collide again in lockstep:
// 5–10 ms, 10–20 ms, 20–40 ms, … capped at 200 ms.
function backoffMs(attempt: number): number {
  const cap = Math.min(200, 10 * 2 ** attempt);
  return cap / 2 + Math.random() * (cap / 2);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

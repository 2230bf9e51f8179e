// An interactive transaction that is re-run when Postgres aborts it for a reason that a retry can
// fix: a serialization failure (40001, Serializable/RepeatableRead) or a deadlock (40P01). The
// whole function is re-run, since a transaction's reads are stale once it aborted; so `fn` must
// have no side effects outside the database. Everything else, unique violations included, is a
// real answer and is rethrown unchanged on the first attempt.
import type { Prisma } from "./open-database.ts";
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
  const retries = Math.max(0, opts.retries ?? 3);
  const txOpts = {
    ...(opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : {}),
    ...(opts.maxWaitMs !== undefined ? { maxWait: opts.maxWaitMs } : {}),
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
  };
  let uniqueRetried = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction(fn, txOpts);
    } catch (e) {
      if (opts.retryUniqueViolation && !uniqueRetried && isUniqueViolation(e)) {
        uniqueRetried = true;
        continue;
      }
      if (attempt >= retries || !isRetryableTxError(e)) throw e;
      await sleep(backoffMs(attempt));
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

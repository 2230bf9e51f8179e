// Transaction-scoped advisory locks keyed by a readable name (e.g. `contact:<businessId>:<phone>`),
// so callers never hand-roll the SQL. The lock is released by COMMIT/ROLLBACK, never by hand; outside
// a transaction it would be released at the end of its own statement, hence the `Tx` parameter.
// hashtextextended gives a 64-bit key (hashtext's 32 bits collide sooner); it exists on Postgres
// ≥ 11 and on PGlite (Postgres 17), checked. Note that keys made with hashtext() (as in
// src/inbox/resolve-contact.ts) live in another key space: switch all writers of one resource at once.
// A lock wait counts against the interactive transaction's timeout (Prisma default 5 s).
import { Prisma as P } from "../generated/prisma/client.ts";
import type { Tx } from "./with-transaction.ts";

/**
 * The lock key for `name` as a SQL fragment, for composing other lock calls
 * (`pg_try_advisory_xact_lock(${lockKey(n)})`). On the raw pg path use its `.text` and `.values`:
 * `sql(\`SELECT pg_advisory_xact_lock(${k.text})\`, k.values)` ($1 is its only parameter).
 */
export function lockKey(name: string): P.Sql {
  if (!name) throw new Error("advisory lock name must not be empty");
  return P.sql`hashtextextended(${name}, 0)`;
}

/** Blocks until this transaction holds the lock for `name`; held until it ends. */
export async function withAdvisoryLock(tx: Tx, name: string): Promise<void> {
  // $executeRaw, not $queryRaw: the function returns `void`, which there is no need to decode
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${lockKey(name)})`;
}

/** Several locks, always taken in one global order (sorted, deduped) so two callers can't deadlock. */
export async function lockAll(tx: Tx, names: readonly string[]): Promise<void> {
  for (const name of [...new Set(names)].sort()) await withAdvisoryLock(tx, name);
}

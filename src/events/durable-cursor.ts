// A durable subscriber's place in the outbox: its EventCursor row and the lease that lets one
// process at a time deliver to it. The lease is kept in memory for half its length after each
// write that took or renewed it (no write per run), and the position is written at most every
// CURSOR_WRITE_MS while events flow (not once per event): a crash redelivers at most that much,
// which at-least-once delivery allows (subscribers are written for it).
import type { SqlRunner } from "../db/open-database.ts";
import type { Logger } from "../lib/logger.ts";
import { preparedName } from "../db/prepared-name.ts";

const CURSOR_WRITE_MS = 50;

export interface CursorState {
  name: string;
  position: bigint;
  /** this process holds the lease until this monotonic ms (half the lease, counted from before the write that took or renewed it) */
  leaseHeldUntil: number;
  /** the position last written to the row, and the pending write of a newer one */
  written: bigint;
  writeTimer: NodeJS.Timeout | undefined;
}

export interface DurableCursors {
  /** Takes (or keeps) the lease; false while another process holds it. Never moves `position` back. */
  claim(c: CursorState): Promise<boolean>;
  /** Moves the cursor to `seq`: in memory now, in its row within CURSOR_WRITE_MS. */
  advance(c: CursorState, seq: bigint): void;
  /** Writes what is pending, then lets the leases go (a stopping subscriber or process). */
  release(cs: CursorState[]): Promise<void>;
}

export interface CursorOptions {
  sql: SqlRunner;
  log: Logger;
  /** this process's lease owner id */
  owner: string;
  leaseMs: number;
  /** how soon a write the database refused is tried again */
  retryMs: number;
  /** false once the subscriber stopped (its pending write is then made by release) */
  isLive(c: CursorState): boolean;
}

// every delivered batch moves a cursor
const ADVANCE_SQL = `UPDATE "EventCursor" SET "position" = GREATEST("position", $3::bigint), "leaseUntil" = clock_timestamp() + $4 * interval '1 millisecond', "updatedAt" = clock_timestamp()
         WHERE "subscriber" = $1 AND "leaseOwner" = $2 RETURNING 1 AS "ok"`;

export function createDurableCursors(o: CursorOptions): DurableCursors {
  async function write(c: CursorState): Promise<void> {
    clearTimeout(c.writeTimer);
    c.writeTimer = undefined;
    const seq = c.position;
    if (seq <= c.written) return;
    const asked = performance.now();
    try {
      // moving the cursor renews the lease: a long catch-up is not taken over halfway
      const rows = await o.sql(ADVANCE_SQL, [c.name, o.owner, seq.toString(), o.leaseMs], preparedName(ADVANCE_SQL));
      if (!rows[0]) {
        // another process took the subscriber over (this one was away longer than the lease): the next run asks again
        c.leaseHeldUntil = 0;
        return;
      }
      if (seq > c.written) c.written = seq;
      c.leaseHeldUntil = asked + o.leaseMs / 2;
    } catch (err) {
      // the database is away: the row stays behind (a restart meanwhile redelivers, never skips); try again later
      o.log.warn({ subscriber: c.name, err: (err as Error).message }, "event cursor not written; will retry");
      if (o.isLive(c) && !c.writeTimer) {
        c.writeTimer = setTimeout(() => void write(c), o.retryMs);
        c.writeTimer.unref();
      }
    }
  }

  return {
    async claim(c) {
      // a lease this process took (or renewed) less than half a lease ago is still ours: no write.
      // Elapsed time here is this process's monotonic clock, so no clock needs to agree with another.
      if (performance.now() < c.leaseHeldUntil) return true;
      const asked = performance.now();
      // lease times are real elapsed time between processes, not business time: the database's clock
      const rows = await o.sql<{ position: string }>(
        `UPDATE "EventCursor" SET "leaseOwner" = $2, "leaseUntil" = clock_timestamp() + $3 * interval '1 millisecond', "updatedAt" = clock_timestamp()
         WHERE "subscriber" = $1 AND ("leaseOwner" IS NULL OR "leaseOwner" = $2 OR "leaseUntil" < clock_timestamp())
         RETURNING "position"::text AS "position"`,
        [c.name, o.owner, o.leaseMs],
      );
      if (!rows[0]) return false;
      // this process's own position may be ahead of the row (a write still pending): never go back
      const stored = BigInt(rows[0].position);
      if (stored > c.position) c.position = stored;
      if (stored > c.written) c.written = stored;
      c.leaseHeldUntil = asked + o.leaseMs / 2;
      return true;
    },
    advance(c, seq) {
      if (seq > c.position) c.position = seq;
      if (c.writeTimer) return;
      c.writeTimer = setTimeout(() => void write(c), CURSOR_WRITE_MS);
      c.writeTimer.unref();
    },
    async release(cs) {
      if (!cs.length) return;
      await Promise.all(cs.map((c) => write(c)));
      const names = cs.map((c) => c.name);
      await o.sql(`UPDATE "EventCursor" SET "leaseOwner" = NULL WHERE "subscriber" = ANY($1) AND "leaseOwner" = $2`, [names, o.owner]).catch(() => undefined);
    },
  };
}

// Reads the outbox in seq order, with what a reader needs to never skip an event. `seq` is handed
// out at insert time, not at commit: a transaction still running may hold a lower seq than rows
// already committed (invisible to us, it shows as a gap). At a gap the dispatcher asks which of
// this database's transactions are running (runningTransactions) and waits until every one has
// ended; a re-read then sees the row, or it was rolled back and the gap is final. The read's own
// snapshot cannot answer that: pg_snapshot_xip lists only transactions below the snapshot's xmax,
// and a transaction that took its id after the last commit (xid >= xmax) is running but unlisted.
// Another database's transactions can write no row here: they are not waited for.
import type { SqlRunner } from "../db/open-database.ts";
import type { DomainEvent } from "./domain-event.ts";
import { preparedName } from "../db/prepared-name.ts";

export interface EventBatch {
  events: DomainEvent[];
}

interface Row extends Record<string, unknown> {
  seq: string;
  businessId: string;
  type: string;
  subject: string;
  payload: unknown;
  atMs: number | string;
}

// every wake-up of every process's dispatcher reads here: kept prepared, so the limit is written
// into the text (a generic plan with LIMIT $2 does not know it is small, and may sort the table)
const readSql = (limit: number) => `SELECT "seq"::text AS "seq", "businessId", "type", "subject", "payload",
       (extract(epoch from "createdAt") * 1000)::float8 AS "atMs"
     FROM "DomainEvent"
     WHERE "seq" > $1
     ORDER BY "DomainEvent"."seq" LIMIT ${Math.floor(limit)}`; // the column, not the text alias ("10" would sort before "9")

export async function readEvents(sql: SqlRunner, after: bigint, limit = 200): Promise<EventBatch> {
  const text = readSql(limit);
  const rows = await sql<Row>(text, [after.toString()], preparedName(text));
  const events = rows.map(
    (r) =>
      ({
        seq: BigInt(r.seq),
        businessId: r.businessId,
        type: r.type,
        subject: r.subject,
        payload: typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload,
        at: new Date(Number(r.atMs)), // epoch ms: immune to how a driver reads a zone-less timestamp
      }) as DomainEvent,
  );
  return { events };
}

/**
 * This database's transactions that hold a transaction id now (as xid8: pg_stat_activity's 32-bit
 * xid widened with the epoch of the current horizon). Asked after a read that found a gap, it
 * includes every transaction that was running at that read and has not ended since.
 */
export async function runningTransactions(sql: SqlRunner): Promise<bigint[]> {
  const rows = await sql<{ xid: string }>(
    `WITH h AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS n),
          x AS (SELECT ((h.n & ~4294967295::bigint) + a."backend_xid"::text::bigint) AS f, h.n
                  FROM pg_stat_activity a, h
                 WHERE a."datname" = current_database() AND a."backend_xid" IS NOT NULL AND a."pid" <> pg_backend_pid())
     SELECT (CASE WHEN f > n + 2147483648 THEN f - 4294967296 WHEN f < n - 2147483648 THEN f + 4294967296 ELSE f END)::text AS "xid" FROM x`,
    [],
  );
  return rows.map((r) => BigInt(r.xid));
}

/**
 * True when none of these transactions (running when a gap was seen) can still commit a row here:
 * each has ended, or is positively another database's. One still running whose database cannot be
 * told (it ended between the two checks, or its session is hidden from us) counts as ours.
 */
export async function transactionsEnded(sql: SqlRunner, xids: bigint[]): Promise<boolean> {
  if (xids.length === 0) return true;
  const [r] = await sql<{ open: number }>(
    `SELECT count(*)::int AS "open" FROM unnest($1::xid8[]) AS x
     WHERE pg_xact_status(x) = 'in progress'
       AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
         WHERE a."backend_xid" = (x::text::bigint % 4294967296)::text::xid AND a."datname" <> current_database())`,
    [xids.map(String)],
  );
  return (r?.open ?? 1) === 0;
}

/** The newest seq (a new subscriber starts here rather than replaying history). */
export async function headSeq(sql: SqlRunner): Promise<bigint> {
  const [r] = await sql<{ head: string | null }>(`SELECT max("seq")::text AS "head" FROM "DomainEvent"`, []);
  return BigInt(r?.head ?? "0");
}

export interface SharedBatch extends EventBatch {
  /** the shared read hit its limit: there may be more after the last row (read again) */
  full: boolean;
}

/**
 * One read for every caller that asks in the same turn of the event loop (a poke wakes every
 * subscriber at once): the rows after the lowest position asked for, in one snapshot, and each
 * caller gets those after its own. What a caller gets is a prefix of what a read of its own would
 * have returned at that moment, so the gap rules hold unchanged.
 */
export function createBatchedReader(sql: SqlRunner, limit: number): (after: bigint) => Promise<SharedBatch> {
  let waiting: { after: bigint; ok: (b: SharedBatch) => void; fail: (e: unknown) => void }[] = [];
  const flush = () => {
    const callers = waiting;
    waiting = [];
    const from = callers.reduce((m, c) => (c.after < m ? c.after : m), callers[0]!.after);
    readEvents(sql, from, limit).then(
      ({ events }) => {
        const full = events.length === limit;
        for (const c of callers) c.ok({ events: events.filter((e) => e.seq > c.after), full });
      },
      (e: unknown) => {
        for (const c of callers) c.fail(e);
      },
    );
  };
  return (after) =>
    new Promise<SharedBatch>((ok, fail) => {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ after, ok, fail });
    });
}

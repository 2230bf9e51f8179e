// Reads the outbox in seq order, with what a reader needs to never skip an event. `seq` is handed
// out at insert time, not at commit: a transaction still running may hold a lower seq than rows
// already committed (invisible to us, it shows as a gap). The rows come with the transactions
// still running under the same snapshot; the dispatcher stops at a gap until every one of those
// that belongs to this database has ended (then a re-read sees the row, or it was rolled back and
// the gap is final). Another database's transactions share the server's xid horizon but can
// write no row here: they are not waited for.
import type { SqlRunner } from "../db/open-database.ts";
import type { DomainEvent } from "./domain-event.ts";

export interface EventBatch {
  events: DomainEvent[];
  /** transactions in progress under the snapshot the rows were read with (empty when no rows) */
  running: bigint[];
}

interface Row extends Record<string, unknown> {
  seq: string;
  running: string[] | null;
  businessId: string;
  type: string;
  subject: string;
  payload: unknown;
  atMs: number | string;
}

export async function readEvents(sql: SqlRunner, after: bigint, limit = 200): Promise<EventBatch> {
  // one statement, one snapshot: the running transactions are exactly those whose rows it cannot see
  const rows = await sql<Row>(
    `SELECT "seq"::text AS "seq", "businessId", "type", "subject", "payload",
       (extract(epoch from "createdAt") * 1000)::float8 AS "atMs",
       (SELECT array_agg(x::text) FROM pg_snapshot_xip(pg_current_snapshot()) AS x) AS "running"
     FROM "DomainEvent"
     WHERE "seq" > $1
     ORDER BY "DomainEvent"."seq" LIMIT $2`, // the column, not the text alias ("10" would sort before "9")
    [after.toString(), limit],
  );
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
  return { events, running: (rows[0]?.running ?? []).map((x) => BigInt(x)) };
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

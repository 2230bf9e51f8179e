// Reads the outbox in seq order, with what a reader needs to never skip an event. `seq` is handed
// out at insert time, not at commit: a transaction still running may hold a lower seq than rows
// already committed (invisible to us, it shows as a gap). The dispatcher stops at a gap until every
// transaction that was running when it saw the gap has ended (xmin passes the xmax of that read):
// then the row is either visible or was rolled back, and the gap is final.
import type { SqlRunner } from "../db/open-database.ts";
import type { DomainEvent } from "./domain-event.ts";

export interface EventBatch {
  events: DomainEvent[];
  /** the oldest transaction still running at this read (pg_snapshot_xmin) */
  xmin: bigint;
  /** one past the newest transaction started at this read (pg_snapshot_xmax) */
  xmax: bigint;
}

interface Row extends Record<string, unknown> {
  seq: string;
  businessId: string;
  type: string;
  subject: string;
  payload: unknown;
  atMs: number | string;
}

export async function readEvents(sql: SqlRunner, after: bigint, limit = 200): Promise<EventBatch> {
  const rows = await sql<Row>(
    `SELECT "seq"::text AS "seq", "businessId", "type", "subject", "payload",
       (extract(epoch from "createdAt") * 1000)::float8 AS "atMs" FROM "DomainEvent"
     WHERE "seq" > $1
     ORDER BY "DomainEvent"."seq" LIMIT $2`, // the column, not the text alias ("10" would sort before "9")
    [after.toString(), limit],
  );
  // taken after the rows: a transaction holding a seq below the last row seen had its xid before
  // this snapshot, so once xmin passes this xmax, it has ended
  const [snap] = await sql<{ xmin: string; xmax: string }>(
    `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS "xmin", pg_snapshot_xmax(pg_current_snapshot())::text AS "xmax"`,
    [],
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
  return { events, xmin: BigInt(snap?.xmin ?? "0"), xmax: BigInt(snap?.xmax ?? "0") };
}

/** The newest seq (a new subscriber starts here rather than replaying history). */
export async function headSeq(sql: SqlRunner): Promise<bigint> {
  const [r] = await sql<{ head: string | null }>(`SELECT max("seq")::text AS "head" FROM "DomainEvent"`, []);
  return BigInt(r?.head ?? "0");
}

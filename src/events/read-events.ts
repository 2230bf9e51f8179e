// Reads the outbox in commit order. `seq` is handed out at insert time, not at commit, so a
// transaction that started earlier may still commit a lower seq: rows written by transactions
// at or above the oldest one still running (pg_snapshot_xmin) are left for the next read. That
// way a cursor never moves past an event that is yet to appear.
import type { SqlRunner } from "../db/open-database.ts";
import type { DomainEvent } from "./domain-event.ts";

interface Row extends Record<string, unknown> {
  seq: string;
  businessId: string;
  type: string;
  subject: string;
  payload: unknown;
  atMs: number | string;
}

export async function readEvents(sql: SqlRunner, after: bigint, limit = 200): Promise<DomainEvent[]> {
  const rows = await sql<Row>(
    `SELECT "seq"::text AS "seq", "businessId", "type", "subject", "payload",
       (extract(epoch from "createdAt") * 1000)::float8 AS "atMs" FROM "DomainEvent"
     WHERE "seq" > $1 AND "txid" < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY "DomainEvent"."seq" LIMIT $2`, // the column, not the text alias ("10" would sort before "9")
    [after.toString(), limit],
  );
  return rows.map(
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
}

/** The newest seq (a new subscriber starts here rather than replaying history). */
export async function headSeq(sql: SqlRunner): Promise<bigint> {
  const [r] = await sql<{ head: string | null }>(`SELECT max("seq")::text AS "head" FROM "DomainEvent"`, []);
  return BigInt(r?.head ?? "0");
}

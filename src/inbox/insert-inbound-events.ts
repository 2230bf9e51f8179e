// The webhook door's one write: InboundEvent rows, once each by (provider, externalId). Webhooks that
// arrive in the same turn of the event loop share one INSERT (gather-calls.ts): a burst of texts or
// calls costs Postgres one statement and one commit per turn, not one per webhook.
import type { SqlRunner } from "../db/raw-sql-runners.ts";
import { gatherCalls } from "../lib/gather-calls.ts";

export interface InboundEventRow {
  id: string;
  businessId: string | null;
  provider: string;
  kind: string;
  externalId: string;
  /** JSON text */
  payload: string;
  status: string;
  /** ISO instant */
  receivedAt: string;
  lane: string;
}

const COLUMNS = ["id", "businessId", "provider", "kind", "externalId", "payload", "status", "receivedAt", "lane"] as const;
const statements = new Map<number, string>();
const PREPARED_SIZES = 24;

/** INSERT … VALUES for n rows, built once per n */
function statementFor(n: number): string {
  let text = statements.get(n);
  if (!text) {
    const rows = Array.from(
      { length: n },
      (_, r) => `(${COLUMNS.map((c, i) => `$${r * COLUMNS.length + i + 1}${c === "payload" ? "::jsonb" : ""}`).join(", ")})`,
    );
    text = `INSERT INTO "InboundEvent" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${rows.join(", ")}
     ON CONFLICT ("provider", "externalId") DO NOTHING RETURNING "id"`;
    statements.set(n, text);
  }
  return text;
}

/** Inserts the rows; answers, per row, whether it was new (false: that provider id was stored before, or earlier in the same batch). */
export async function insertInboundEvents(sql: SqlRunner, rows: InboundEventRow[]): Promise<boolean[]> {
  const values: unknown[] = [];
  for (const r of rows) values.push(r.id, r.businessId, r.provider, r.kind, r.externalId, r.payload, r.status, r.receivedAt, r.lane);
  // a burst's usual sizes are prepared once per connection (a quarter less time in Postgres); a rare
  // larger batch is planned afresh, so a connection keeps at most PREPARED_SIZES plans of it
  const n = rows.length;
  const stored = new Set((await sql<{ id: string }>(statementFor(n), values, n <= PREPARED_SIZES ? `inbound-events-${n}` : undefined)).map((r) => r.id));
  return rows.map((r) => stored.has(r.id));
}

const doors = new WeakMap<SqlRunner, (row: InboundEventRow) => Promise<boolean>>();

/** the gathered door for one database: true when the row is new */
export function insertInboundEvent(sql: SqlRunner, row: InboundEventRow): Promise<boolean> {
  let door = doors.get(sql);
  if (!door) doors.set(sql, (door = gatherCalls((rows: InboundEventRow[]) => insertInboundEvents(sql, rows))));
  return door(row);
}

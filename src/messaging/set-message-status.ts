// Moves an outbound message's status forward — and announces it (`message.status`) — in one
// statement, so the event exists exactly when the change does and the hot path stays one round trip.
import type { SqlRunner } from "../db/open-database.ts";
import { statusesBefore } from "./status-order.ts";
import { preparedName } from "../db/prepared-name.ts";

export interface StatusChange {
  messageId: string;
  to: string;
  /** statuses it may move from (default: every status before `to`) */
  from?: string[];
  providerId?: string | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  sentAt?: Date | null;
  sendAt?: Date | null;
  holdReason?: string | null;
  attemptedAt?: Date;
  incrementAttempts?: boolean;
  at: Date;
  /** internal moves (queued → sending) are not news to anyone */
  emit?: boolean;
  /** the text reached the provider: the contact's leads not yet answered are answered at this time (speed to lead) */
  firstResponseAt?: Date;
}

const COLUMNS = ["providerId", "errorCode", "errorMessage", "sentAt", "sendAt", "holdReason", "attemptedAt"] as const;

/**
 * SQL that announces `message.status` for every row a data-modifying CTE named `cte` returned
 * (it must return id, businessId, conversationId, contactId, status, errorCode): put it in the
 * same statement, so the events exist exactly when the changes do.
 */
export function statusEventsSql(cte: string, atParam: string): string {
  return `INSERT INTO "DomainEvent" ("businessId", "type", "subject", "payload", "createdAt")
    SELECT "businessId", 'message.status', "conversationId", jsonb_build_object('messageId', "id", 'conversationId', "conversationId",
      'contactId', "contactId", 'status', "status", 'errorCode', "errorCode"), ${atParam}::timestamp FROM ${cte}`;
}

/** True when the message moved (false: it was not in a `from` status any more). */
export async function setMessageStatus(sql: SqlRunner, c: StatusChange): Promise<boolean> {
  const v: unknown[] = [c.messageId, c.to, c.from ?? statusesBefore(c.to), c.at.toISOString()];
  const sets = [`"status" = $2`, `"updatedAt" = $4`];
  for (const col of COLUMNS) {
    const value = c[col];
    if (value === undefined) continue;
    v.push(value instanceof Date ? value.toISOString() : value);
    sets.push(`"${col}" = $${v.length}`);
  }
  if (c.incrementAttempts) sets.push(`"attempts" = "attempts" + 1`);
  const emit = c.emit ?? true;
  let answered = "";
  if (c.firstResponseAt) {
    v.push(c.firstResponseAt.toISOString());
    const at = `$${v.length}::timestamp`;
    answered = `, lead AS (UPDATE "Lead" SET "firstResponseAt" = ${at}, "updatedAt" = ${at} WHERE "contactId" = (SELECT "contactId" FROM m) AND "firstResponseAt" IS NULL)`;
  }
  // built from a fixed set of parts (the columns a change sets): prepared, every send passes here twice
  const text = `WITH m AS (
       UPDATE "Message" SET ${sets.join(", ")}
       WHERE "id" = $1 AND "status" = ANY($3::text[])
       RETURNING "id", "businessId", "conversationId", "contactId", "status", "errorCode"
     )${emit ? `, ev AS (${statusEventsSql("m", "$4")})` : ""}${answered}
     SELECT "id" FROM m`;
  const rows = await sql<{ id: string }>(text, v, preparedName(text));
  return rows.length > 0;
}

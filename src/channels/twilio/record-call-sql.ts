// First sight of a call in one round trip: the caller's contact (made if new), their open
// conversation (opened if none; replies go out from the number they called), and the call's row
// (made once per CallSid). Whichever of the call's webhooks comes first makes them; the missed-call
// text-back needs nothing else, so it is not kept waiting on the bookkeeping that follows.
import type { SqlRunner } from "../../db/open-database.ts";
import { newId } from "../../lib/new-id.ts";

export interface CallFacts {
  businessId: string;
  callSid: string;
  /** the caller (E.164 when it parses) */
  phone: string;
  /** the business number called */
  to: string;
  zip: string | null;
  name: string | null;
  at: Date;
}

export interface RecordedCall {
  id: string;
  contactId: string;
  conversationId: string | null;
  /** this statement made the call's row (the touch is this event's to record) */
  created: boolean;
}

// Rows other writers made since this statement's snapshot are not visible to it: a contact or call
// made meanwhile is settled by its unique index (the contact's upsert returns it; the call's insert
// returns nothing), a conversation by the one-open-per-contact index (nothing returned). Either way
// the caller reads again (undefined, or a null conversation).
const SQL = `
WITH existing AS (
  SELECT "id", "contactId", "conversationId" FROM "Call" WHERE "callSid" = $1 AND "businessId" = $2
), contact AS (
  INSERT INTO "Contact" ("id", "businessId", "phone", "zip", "name", "createdAt", "updatedAt")
  SELECT $3, $2, $4, $5, $6, $7::timestamp, $7::timestamp WHERE NOT EXISTS (SELECT 1 FROM existing)
  ON CONFLICT ("businessId", "phone") DO UPDATE SET "phone" = EXCLUDED."phone"
  RETURNING "id"
), open_conversation AS (
  SELECT v."id", v."businessNumber" FROM "Conversation" v JOIN contact c ON v."contactId" = c."id" WHERE v."status" = 'open'
), renumbered AS (
  UPDATE "Conversation" SET "businessNumber" = $9, "updatedAt" = $7::timestamp
  WHERE "id" IN (SELECT "id" FROM open_conversation WHERE "businessNumber" IS DISTINCT FROM $9)
  RETURNING "id"
), opened AS (
  INSERT INTO "Conversation" ("id", "businessId", "contactId", "businessNumber", "channel", "createdAt", "updatedAt")
  SELECT $8, $2, c."id", $9, 'sms', $7::timestamp, $7::timestamp FROM contact c WHERE NOT EXISTS (SELECT 1 FROM open_conversation)
  ON CONFLICT ("contactId") WHERE "status" = 'open' DO NOTHING
  RETURNING "id"
), made AS (
  INSERT INTO "Call" ("id", "businessId", "contactId", "conversationId", "callSid", "fromNumber", "toNumber", "createdAt", "updatedAt")
  SELECT $10, $2, c."id", coalesce((SELECT "id" FROM open_conversation), (SELECT "id" FROM opened)), $1, $4, $9, $7::timestamp, $7::timestamp
  FROM contact c
  WHERE coalesce((SELECT "id" FROM open_conversation), (SELECT "id" FROM opened)) IS NOT NULL
  ON CONFLICT ("callSid") DO NOTHING
  RETURNING "id", "contactId", "conversationId"
)
SELECT "id", "contactId", "conversationId", false AS "created" FROM existing
UNION ALL
SELECT "id", "contactId", "conversationId", true AS "created" FROM made`;

/** The call's row, made with its contact and conversation if this is its first sight. */
export async function recordCallSql(sql: SqlRunner, c: CallFacts): Promise<RecordedCall> {
  // a race lost to a concurrent writer returns nothing; the next statement sees what it committed
  for (let attempt = 1; ; attempt++) {
    const row = await recordOnce(sql, c);
    if (row) return row;
    if (attempt >= 3) throw new Error(`call ${c.callSid}: could not be recorded (lost ${attempt} races)`);
  }
}

async function recordOnce(sql: SqlRunner, c: CallFacts): Promise<RecordedCall | undefined> {
  const at = c.at.toISOString();
  const rows = await sql<{ id: string; contactId: string; conversationId: string | null; created: boolean }>(SQL, [
    c.callSid,
    c.businessId,
    newId(),
    c.phone,
    c.zip,
    c.name,
    at,
    newId(),
    c.to,
    newId(),
  ]);
  const row = rows[0];
  return row && { id: row.id, contactId: row.contactId, conversationId: row.conversationId, created: row.created };
}

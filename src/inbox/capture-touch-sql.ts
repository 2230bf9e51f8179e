// A touch that carries no attribution (a call or text to a business number) in one statement, on
// its own or inside the door's transaction: the contact's first lead (made if none: source,
// channel, and a reply that beat it counted as its first response), the Touch row, and
// `lead.updated` for a new lead. What captureTouch does for such a touch, in one round trip
// instead of a seven-statement transaction.
import type { Prisma } from "../db/open-database.ts";
import type { Tx } from "../db/with-transaction.ts";
import { newId } from "../lib/new-id.ts";

export interface FirstTouch {
  businessId: string;
  contactId: string;
  conversationId: string;
  channel: string;
  source: string;
  isTest?: boolean | undefined;
  at: Date;
}

// $1 business, $2 contact, $3 conversation, $4 new lead id, $5 source, $6 channel, $7 at, $8 touch id, $9 isTest
const SQL = `
WITH existing AS (
  SELECT "id", "conversationId", "stage" FROM "Lead" WHERE "businessId" = $1 AND "contactId" = $2 ORDER BY "createdAt" ASC LIMIT 1
), made AS (
  INSERT INTO "Lead" ("id", "businessId", "contactId", "conversationId", "source", "channel", "isTest", "firstResponseAt", "createdAt", "updatedAt")
  SELECT $4, $1, $2, $3, $5, $6, $9::boolean,
    (SELECT min("sentAt") FROM "Message" WHERE "contactId" = $2 AND "direction" = 'outbound' AND "sentAt" IS NOT NULL),
    $7::timestamp, $7::timestamp
  WHERE NOT EXISTS (SELECT 1 FROM existing)
  RETURNING "id", "conversationId", "stage"
), lead AS (
  SELECT "id" FROM existing UNION ALL SELECT "id" FROM made
), touched AS (
  INSERT INTO "Touch" ("id", "businessId", "contactId", "leadId", "channel", "source", "createdAt")
  SELECT $8, $1, $2, l."id", $6, $5, $7::timestamp FROM lead l
  RETURNING 1
), announced AS (
  INSERT INTO "DomainEvent" ("businessId", "type", "subject", "payload", "createdAt")
  SELECT $1, 'lead.updated', coalesce(m."conversationId", $3),
    jsonb_build_object('leadId', m."id", 'conversationId', m."conversationId", 'contactId', $2::text, 'stage', m."stage", 'change', 'created'),
    $7::timestamp
  FROM made m
  RETURNING 1
)
SELECT l."id" AS "leadId", EXISTS (SELECT 1 FROM made) AS "newLead" FROM lead l`;

/** In the caller's transaction, or on its own (a statement is atomic). */
export async function captureFirstTouchSql(tx: Tx | Prisma, t: FirstTouch): Promise<{ leadId: string; newLead: boolean }> {
  const rows = await tx.$queryRawUnsafe<{ leadId: string; newLead: boolean }[]>(
    SQL,
    t.businessId,
    t.contactId,
    t.conversationId,
    newId(),
    t.source,
    t.channel,
    t.at.toISOString(),
    newId(),
    t.isTest ?? false,
  );
  return rows[0]!;
}

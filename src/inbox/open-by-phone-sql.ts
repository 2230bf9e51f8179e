// Speed to lead's first sight of a homeowner in one round trip: their contact by phone (made if
// new, filling what it lacks) and their open conversation (opened if none; replies go out by SMS
// from the business number). An email-only contact with the lead's email is the same homeowner and
// must be joined under locks (resolveContact's locked path): then, and when a concurrent writer
// wins a race this statement cannot see, it answers undefined and the caller takes the long way.
import type { SqlRunner } from "../db/open-database.ts";
import { newId } from "../lib/new-id.ts";

export interface PhoneLeadFacts {
  businessId: string;
  phone: string;
  email: string | undefined;
  name: string | undefined;
  zip: string | undefined;
  businessNumber: string | undefined;
  at: Date;
}

// $1 business, $2 phone, $3 email, $4 name, $5 zip, $6 at, $7 new contact id, $8 new conversation id, $9 business number
const SQL = `
WITH twin AS (
  SELECT 1 FROM "Contact" WHERE $3::text IS NOT NULL AND "businessId" = $1 AND "email" = $3::text AND "phone" IS NULL LIMIT 1
), contact AS (
  INSERT INTO "Contact" ("id", "businessId", "phone", "email", "name", "zip", "createdAt", "updatedAt")
  SELECT $7, $1, $2, $3::text, $4::text, $5::text, $6::timestamp, $6::timestamp WHERE NOT EXISTS (SELECT 1 FROM twin)
  ON CONFLICT ("businessId", "phone") DO UPDATE SET
    "email" = coalesce("Contact"."email", EXCLUDED."email"),
    "name" = coalesce("Contact"."name", EXCLUDED."name"),
    "zip" = coalesce("Contact"."zip", EXCLUDED."zip"),
    "updatedAt" = CASE WHEN ("Contact"."email" IS NULL AND EXCLUDED."email" IS NOT NULL) OR ("Contact"."name" IS NULL AND EXCLUDED."name" IS NOT NULL)
                         OR ("Contact"."zip" IS NULL AND EXCLUDED."zip" IS NOT NULL)
                       THEN clock_timestamp()::timestamp ELSE "Contact"."updatedAt" END
  RETURNING "id"
), open_conversation AS (
  SELECT v."id", v."businessNumber", v."channel" FROM "Conversation" v JOIN contact c ON v."contactId" = c."id" WHERE v."status" = 'open'
), redirected AS (
  UPDATE "Conversation" SET "businessNumber" = coalesce($9::text, "businessNumber"), "channel" = 'sms', "updatedAt" = $6::timestamp
  WHERE "id" IN (SELECT "id" FROM open_conversation WHERE "channel" <> 'sms' OR ($9::text IS NOT NULL AND "businessNumber" IS DISTINCT FROM $9::text))
  RETURNING "id"
), opened AS (
  INSERT INTO "Conversation" ("id", "businessId", "contactId", "businessNumber", "channel", "createdAt", "updatedAt")
  SELECT $8, $1, c."id", $9::text, 'sms', $6::timestamp, $6::timestamp FROM contact c WHERE NOT EXISTS (SELECT 1 FROM open_conversation)
  ON CONFLICT ("contactId") WHERE "status" = 'open' DO NOTHING
  RETURNING "id"
)
SELECT c."id" AS "contactId", coalesce((SELECT "id" FROM open_conversation), (SELECT "id" FROM opened)) AS "conversationId",
  EXISTS (SELECT 1 FROM opened) AS "opened"
FROM contact c`;

export async function openByPhone(sql: SqlRunner, f: PhoneLeadFacts): Promise<{ contactId: string; conversationId: string; opened: boolean } | undefined> {
  const rows = await sql<{ contactId: string; conversationId: string | null; opened: boolean }>(SQL, [
    f.businessId,
    f.phone,
    f.email ?? null,
    f.name ?? null,
    f.zip ?? null,
    f.at.toISOString(),
    newId(),
    newId(),
    f.businessNumber ?? null,
  ]);
  const r = rows[0];
  return r?.conversationId ? { contactId: r.contactId, conversationId: r.conversationId, opened: r.opened } : undefined;
}

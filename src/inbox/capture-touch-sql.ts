// A touch in one statement, on its own or inside the caller's transaction: the contact's first lead
// (made if none, with the touch's attribution, and a reply that beat it counted as its first
// response; an existing lead is flagged and its details merged when the touch brings them), the
// Touch row, and `lead.updated` when the lead was made or changed. It was a seven-statement
// transaction; every lead, call and first text goes through it.
import type { SqlStatement } from "../db/open-database.ts";
import { rawSqlOf, type RawDb } from "../db/raw-sql-of.ts";
import { newId } from "../lib/new-id.ts";
import { contactOf, contactParam, type ContactKey } from "./contact-key.ts";
import { preparedName } from "../db/prepared-name.ts";

export interface TouchRow {
  businessId: string;
  contact: ContactKey;
  conversationId: string;
  channel: string;
  source: string;
  /** utm*, click ids, landing page, referrer, form and ad ids (null when the touch has none) */
  fields: Record<(typeof FIELD_COLUMNS)[number], string | null>;
  campaignId: string | null;
  /** the id for a new lead (forms answer with it before the lead row exists) */
  leadId: string | null;
  externalId: string | null;
  isTest: boolean;
  needsAttention: boolean;
  details: Record<string, unknown> | null;
  at: Date;
}

export const FIELD_COLUMNS = [
  "utmSource",
  "utmMedium",
  "utmCampaign",
  "utmTerm",
  "utmContent",
  "gclid",
  "fbclid",
  "msclkid",
  "landingPage",
  "referrer",
  "formId",
  "adId",
] as const;

const cols = FIELD_COLUMNS.map((c) => `"${c}"`).join(", ");
// the attribution columns' parameters, $15 onwards
const vals = FIELD_COLUMNS.map((_, i) => `$${15 + i}::text`).join(", ");

// $1 business, $2 contact (contactOf), $3 conversation, $4 new lead id, $5 source, $6 channel, $7 at, $8 touch id,
// $9 isTest, $10 needsAttention, $11 details (jsonb or null), $12 externalId, $13 campaignId,
// $14 whether the touch changes an existing lead (needsAttention or details), $15… attribution.
// `onlyIfOpened`: nothing at all unless conversation $3 exists (in the door's batch, $3 is the id
// the message statement gave a conversation it opened).
const touchSql = (contact: string, onlyIfOpened: boolean) => `
WITH who AS (
  SELECT ${contact} AS "id" WHERE ${onlyIfOpened ? `EXISTS (SELECT 1 FROM "Conversation" WHERE "id" = $3)` : "true"}
), existing AS (
  SELECT "id", "conversationId", "stage" FROM "Lead" WHERE "businessId" = $1 AND "contactId" = (SELECT "id" FROM who) ORDER BY "createdAt" ASC LIMIT 1
), made AS (
  INSERT INTO "Lead" ("id", "businessId", "contactId", "conversationId", "source", "channel", ${cols}, "campaignId", "externalId",
    "isTest", "needsAttention", "details", "firstResponseAt", "createdAt", "updatedAt")
  SELECT $4, $1, w."id", $3, $5, $6, ${vals}, $13::text, $12::text, $9::boolean, $10::boolean, $11::jsonb,
    (SELECT min("sentAt") FROM "Message" WHERE "contactId" = w."id" AND "direction" = 'outbound' AND "sentAt" IS NOT NULL),
    $7::timestamp, $7::timestamp
  FROM who w
  WHERE NOT EXISTS (SELECT 1 FROM existing)
  RETURNING "id", "conversationId", "stage"
), changed AS (
  UPDATE "Lead" l SET
    "needsAttention" = l."needsAttention" OR $10::boolean,
    "details" = CASE WHEN $11::jsonb IS NULL THEN l."details" ELSE coalesce(l."details", '{}'::jsonb) || $11::jsonb END,
    "updatedAt" = clock_timestamp()::timestamp
  FROM existing e WHERE l."id" = e."id" AND $14::boolean
  RETURNING l."id", l."conversationId", l."stage"
), lead AS (
  SELECT "id" FROM existing UNION ALL SELECT "id" FROM made
), touched AS (
  INSERT INTO "Touch" ("id", "businessId", "contactId", "leadId", "channel", "source", ${cols}, "createdAt")
  SELECT $8, $1, w."id", l."id", $6, $5, ${vals}, $7::timestamp FROM lead l, who w
  RETURNING 1
), announced AS (
  INSERT INTO "DomainEvent" ("businessId", "type", "subject", "payload", "createdAt")
  SELECT $1, 'lead.updated', coalesce(x."conversationId", $3),
    jsonb_build_object('leadId', x."id", 'conversationId', x."conversationId", 'contactId', w."id", 'stage', x."stage", 'change', x."change"),
    $7::timestamp
  FROM (SELECT *, 'created' AS "change" FROM made UNION ALL SELECT *, 'details' AS "change" FROM changed) x, who w
  RETURNING 1
)
SELECT l."id" AS "leadId", EXISTS (SELECT 1 FROM made) AS "newLead" FROM lead l`;
const TOUCH_SQL = touchSql(contactOf({ id: "" }), false);
const TOUCH_IF_OPENED_SQL = touchSql(contactOf({ phone: "" }), true);

/** The touch as a statement; `onlyIfOpened` (the door's batch): only when conversation `conversationId` exists. */
export function touchStatement(t: TouchRow, opts: { onlyIfOpened?: boolean } = {}): SqlStatement {
  if (opts.onlyIfOpened && "id" in t.contact) throw new Error("a touch only-if-opened finds its contact by phone");
  const text = opts.onlyIfOpened ? TOUCH_IF_OPENED_SQL : TOUCH_SQL;
  return {
    text,
    prepareAs: preparedName(text),
    values: [
      t.businessId,
      contactParam(t.contact),
      t.conversationId,
      t.leadId ?? newId(),
      t.source,
      t.channel,
      t.at.toISOString(),
      newId(),
      t.isTest,
      t.needsAttention,
      t.details ? JSON.stringify(t.details) : null,
      t.externalId,
      t.campaignId,
      t.needsAttention || t.details !== null,
      ...FIELD_COLUMNS.map((c) => t.fields[c]),
    ],
  };
}

/** In the caller's transaction, or on its own (a statement is atomic). */
export async function captureTouchSql(db: RawDb, t: TouchRow): Promise<{ leadId: string; newLead: boolean }> {
  const s = touchStatement(t);
  const rows = await rawSqlOf(db)<{ leadId: string; newLead: boolean }>(s.text, s.values, s.prepareAs);
  return rows[0]!;
}

// The statements behind the one door in, sent as one batch (one round trip; the door's transaction
// was ten): a phone-only contact found or made and its lock taken together, then — under that lock,
// in a statement whose snapshot is taken after the lock was granted — the conversation found or
// opened, the message stored once per provider id, the conversation's bookkeeping and
// `message.added`. In the batch the later statements find the contact by its phone.
import type { SqlStatement } from "../db/open-database.ts";
import { rawSqlOf, type RawDb } from "../db/raw-sql-of.ts";
import { newId } from "../lib/new-id.ts";
import { contactOf, contactParam, type ContactKey } from "./contact-key.ts";
import { preparedName } from "../db/prepared-name.ts";

export interface LockedContact {
  id: string;
  optedOutAt: Date | null;
}

// DO UPDATE (not DO NOTHING) so the row comes back when it exists; it only fills what is missing.
const CONTACT_SQL = `
WITH c AS (
  INSERT INTO "Contact" ("id", "businessId", "phone", "zip", "name", "createdAt", "updatedAt")
  VALUES ($1, $2, $3, $4::text, $5::text, $6::timestamp, $6::timestamp)
  ON CONFLICT ("businessId", "phone") DO UPDATE SET
    "zip" = coalesce("Contact"."zip", EXCLUDED."zip"),
    "name" = coalesce("Contact"."name", EXCLUDED."name"),
    "updatedAt" = CASE WHEN ("Contact"."zip" IS NULL AND EXCLUDED."zip" IS NOT NULL) OR ("Contact"."name" IS NULL AND EXCLUDED."name" IS NOT NULL)
                       THEN clock_timestamp()::timestamp ELSE "Contact"."updatedAt" END
  RETURNING "id", "optedOutAt"
)
SELECT "id", "optedOutAt", pg_advisory_xact_lock(hashtextextended('contact:' || "id", 0))::text AS "locked" FROM c`;

/** The contact for this phone (made if new), locked for the rest of the transaction like withAdvisoryLock(`contact:<id>`). */
export function lockContactStatement(c: { businessId: string; phone: string; zip?: string | undefined; name?: string | undefined; at: Date }): SqlStatement {
  return {
    text: CONTACT_SQL,
    values: [newId(), c.businessId, c.phone, c.zip ?? null, c.name ?? null, c.at.toISOString()],
    prepareAs: preparedName(CONTACT_SQL),
  };
}

export function readLockedContact(rows: Record<string, unknown>[]): LockedContact {
  const r = rows[0] as { id: string; optedOutAt: Date | null };
  return { id: r.id, optedOutAt: r.optedOutAt };
}

export interface MessageFacts {
  businessId: string;
  contact: ContactKey;
  /** a given conversation (a chat session's, whatever its status); else the contact's open one, opened if none */
  conversationId: string | null;
  channel: string;
  body: string;
  media: string | null;
  providerId: string;
  from: string | null;
  to: string | null;
  at: Date;
  replyChannel: string | null;
  businessNumber: string | null;
}

export interface StoredMessage {
  messageId: string;
  conversationId: string;
  created: boolean;
  opened: boolean;
}

// $1 business, $2 contact (contactOf), $3 given conversation, $4 new conversation id, $5 new message id, $6 at,
// $7 channel, $8 body, $9 media, $10 providerId, $11 from, $12 to, $13 reply channel, $14 business number.
// One UPDATE touches the conversation (a row may be changed once per statement): replies go where
// the homeowner last reached us, and lastMessageAt moves when a message was stored.
const messageSql = (contact: string) => `
WITH who AS (
  SELECT ${contact} AS "id"
), conv AS (
  SELECT "id", "channel", "businessNumber", "lastMessageAt" FROM "Conversation"
  WHERE "businessId" = $1 AND CASE WHEN $3::text IS NULL THEN "contactId" = (SELECT "id" FROM who) AND "status" = 'open' ELSE "id" = $3::text END
), opened AS (
  INSERT INTO "Conversation" ("id", "businessId", "contactId", "channel", "businessNumber", "lastMessageAt", "createdAt", "updatedAt")
  SELECT $4, $1, w."id", coalesce($13::text, 'sms'), $14::text, $6::timestamp, $6::timestamp, $6::timestamp
  FROM who w
  WHERE $3::text IS NULL AND NOT EXISTS (SELECT 1 FROM conv)
  ON CONFLICT ("contactId") WHERE "status" = 'open' DO NOTHING
  RETURNING "id"
), target AS (
  SELECT "id", false AS "opened" FROM conv UNION ALL SELECT "id", true AS "opened" FROM opened
), msg AS (
  INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body", "media",
    "status", "providerId", "fromNumber", "toNumber", "kind", "createdAt", "updatedAt")
  SELECT $5, $1, t."id", w."id", 'inbound', $7, 'contact', $8, $9::jsonb, 'received', $10, $11::text, $12::text, 'reply', $6::timestamp, $6::timestamp
  FROM target t, who w
  ON CONFLICT ("providerId") DO NOTHING
  RETURNING "id", "conversationId", "contactId"
), kept AS (
  UPDATE "Conversation" v SET
    "channel" = coalesce($13::text, v."channel"),
    "businessNumber" = coalesce($14::text, v."businessNumber"),
    "lastMessageAt" = CASE WHEN EXISTS (SELECT 1 FROM msg) THEN greatest(coalesce(v."lastMessageAt", $6::timestamp), $6::timestamp) ELSE v."lastMessageAt" END,
    "updatedAt" = $6::timestamp
  FROM conv
  WHERE v."id" = conv."id"
    AND (EXISTS (SELECT 1 FROM msg) OR conv."channel" IS DISTINCT FROM coalesce($13::text, conv."channel")
         OR conv."businessNumber" IS DISTINCT FROM coalesce($14::text, conv."businessNumber"))
  RETURNING v."id"
), announced AS (
  INSERT INTO "DomainEvent" ("businessId", "type", "subject", "payload", "createdAt")
  SELECT $1, 'message.added', m."conversationId",
    jsonb_build_object('messageId', m."id", 'conversationId', m."conversationId", 'contactId', m."contactId", 'direction', 'inbound',
      'channel', $7::text, 'author', 'contact', 'status', 'received'),
    $6::timestamp
  FROM msg m
  RETURNING 1
)
SELECT t."id" AS "conversationId", t."opened",
  (SELECT "id" FROM msg) AS "messageId",
  (SELECT "id" FROM "Message" WHERE "providerId" = $10 AND NOT EXISTS (SELECT 1 FROM msg)) AS "priorId"
FROM target t`;
const MESSAGE_BY_ID_SQL = messageSql(contactOf({ id: "" }));
const MESSAGE_BY_PHONE_SQL = messageSql(contactOf({ phone: "" }));

/** The message statement; `conversationId`: the id a conversation it opens will have. */
export function storeMessageStatement(m: MessageFacts): SqlStatement & { conversationId: string } {
  const conversationId = newId();
  const text = "id" in m.contact ? MESSAGE_BY_ID_SQL : MESSAGE_BY_PHONE_SQL;
  return {
    text,
    prepareAs: preparedName(text),
    values: [
      m.businessId,
      contactParam(m.contact),
      m.conversationId,
      conversationId,
      newId(),
      m.at.toISOString(),
      m.channel,
      m.body,
      m.media,
      m.providerId,
      m.from,
      m.to,
      m.replyChannel,
      m.businessNumber,
    ],
    conversationId,
  };
}

/**
 * Undefined: a row the statement needed was written after its snapshot by a writer that takes no
 * contact lock — the open conversation (a call's first sight) or the same provider id (a duplicate
 * delivery racing this one); run it again and it is found.
 */
export function readStoredMessage(rows: Record<string, unknown>[], m: Pick<MessageFacts, "businessId" | "conversationId">): StoredMessage | undefined {
  const r = rows[0] as { conversationId: string; opened: boolean; messageId: string | null; priorId: string | null } | undefined;
  if (!r) {
    if (m.conversationId) throw new Error(`conversation ${m.conversationId} not found in business ${m.businessId}`);
    return undefined;
  }
  const messageId = r.messageId ?? r.priorId;
  if (!messageId) return undefined;
  return { messageId, conversationId: r.conversationId, created: r.messageId !== null, opened: r.opened };
}

/** Stores the message under the contact's lock, in the caller's transaction (see readStoredMessage). */
export async function storeInboundMessage(tx: RawDb, m: MessageFacts): Promise<StoredMessage | undefined> {
  const s = storeMessageStatement(m);
  return readStoredMessage(await rawSqlOf(tx)(s.text, s.values, s.prepareAs), m);
}

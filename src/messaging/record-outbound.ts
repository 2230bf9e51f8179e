// Writes one outbound message row — and its `message.added` event, and the conversation's
// bookkeeping — in ONE statement: the speed-to-lead paths pay a single round trip. The contact's
// opt-out is read in the same statement, so a STOP that lands a moment earlier always wins.
import { Prisma } from "../generated/prisma/client.ts";
import { newId } from "../lib/new-id.ts";

/**
 * The purpose of the one text confirming a plain-language opt-out (FCC 2024: one confirmation,
 * within 5 minutes, no other content): the only text an opted-out phone may still get.
 */
export const OPT_OUT_CONFIRMATION = "opt-out-confirmation";

export interface OutboundRow {
  businessId: string;
  conversationId: string;
  contactId: string;
  channel: "sms" | "mms" | "webchat" | "voice";
  author: string;
  body: string;
  media: { url: string }[] | undefined;
  /** queued | scheduled | blocked (an opted-out phone recipient becomes blocked regardless) */
  status: "queued" | "scheduled" | "blocked";
  holdReason: string | null;
  sendAt: Date | null;
  segments: number | null;
  encoding: string | null;
  from: string | null;
  to: string | null;
  purpose: string;
  kind: "reply" | "proactive";
  consentScope: "transactional" | "marketing";
  dedupeKey: string | null;
  /** who wrote it, when a person did (a dispatcher's Slack name) */
  authorName?: string | null | undefined;
  /** where a person wrote it: slack | console */
  origin?: string | null | undefined;
  /** the sequence enrollment sending it */
  enrollmentId?: string | null | undefined;
  /** what a marketing message is about (FL/OK/MD count 3 per 24 h per topic) */
  topic?: string | null | undefined;
  at: Date;
  /** once per contact per window (missed-call text-back): claims Contact.lastTextBackAt when it is older than this */
  oncePerContactSince?: Date | undefined;
  /** a reply to this inbound message: nothing is written when a newer one (of these channels) arrived meanwhile */
  unlessNewerInbound?: NewerInbound | undefined;
}

/** the inbound message a reply answers, and which channels' newer messages make the reply stale */
export interface NewerInbound {
  at: Date;
  id: string;
  channels: readonly string[];
}

/** the whole row as written, and its contact's opt-out as the statement saw it (the delivery's own inputs) */
export interface RecordedRow extends Record<string, unknown> {
  id: string;
  status: string;
}

// Every column of Message by name, not `*`: the statement is kept prepared, and a prepared `*` breaks
// on every connection of a running process once a migration adds a column.
const COLUMNS = Object.values(Prisma.MessageScalarFieldEnum)
  .map((c) => `"${c}"`)
  .join(", ");

/** SQL text and $n values, to run on the pool (fast path) or inside a Prisma transaction. */
export function recordOutboundSql(r: OutboundRow): { text: string; values: unknown[] } {
  const v: unknown[] = [];
  const p = (x: unknown) => {
    v.push(x instanceof Date ? x.toISOString() : x); // ISO (UTC) strings: right whatever the session's zone
    return `$${v.length}`;
  };
  const at = p(r.at);
  // a text to a phone; a line spoken on the caller's own call is a record, which an opt-out does not stop
  const phone = r.channel === "sms" || r.channel === "mms";
  // a reply a newer inbound message has made stale is not written (the same statement decides)
  const n = r.unlessNewerInbound;
  const stale = n
    ? ` AND NOT EXISTS (SELECT 1 FROM "Message" WHERE "conversationId" = ${p(r.conversationId)} AND "direction" = 'inbound'
        AND "channel" = ANY(${p(n.channels)}::text[]) AND ("createdAt" > ${p(n.at)}::timestamp OR ("createdAt" = ${p(n.at)}::timestamp AND "id" > ${p(n.id)})))`
    : "";
  // the contact row the message hangs on: claimed (text-back window) or just read
  const source = r.oncePerContactSince
    ? `claim AS (
        UPDATE "Contact" SET "lastTextBackAt" = ${at}
        WHERE "id" = ${p(r.contactId)} AND "businessId" = ${p(r.businessId)} AND "optedOutAt" IS NULL
          AND ("lastTextBackAt" IS NULL OR "lastTextBackAt" <= ${p(r.oncePerContactSince)})
          AND NOT EXISTS (SELECT 1 FROM "Message" WHERE "dedupeKey" = ${p(r.dedupeKey)})${stale}
        RETURNING "id", "optedOutAt"
      ),`
    : `claim AS (SELECT "id", "optedOutAt" FROM "Contact" WHERE "id" = ${p(r.contactId)} AND "businessId" = ${p(r.businessId)}${stale}),`;
  const blocked = phone && r.purpose !== OPT_OUT_CONFIRMATION ? `c."optedOutAt" IS NOT NULL` : "false";
  const text = `WITH ${source}
    ins AS (
      INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body", "media",
        "status", "errorCode", "holdReason", "sendAt", "segments", "encoding", "fromNumber", "toNumber", "purpose", "kind",
        "consentScope", "dedupeKey", "authorName", "origin", "enrollmentId", "topic", "createdAt", "updatedAt")
      SELECT ${p(newId())}, ${p(r.businessId)}, ${p(r.conversationId)}, c."id", 'outbound', ${p(r.channel)}, ${p(r.author)}, ${p(r.body)},
        ${p(r.media ? JSON.stringify(r.media) : null)}::jsonb,
        CASE WHEN ${blocked} THEN 'blocked' ELSE ${p(r.status)} END,
        CASE WHEN ${blocked} THEN 'opted-out' WHEN ${p(r.status)} = 'blocked' THEN ${p(r.holdReason)} ELSE NULL END,
        CASE WHEN ${blocked} THEN 'opted-out' ELSE ${p(r.holdReason)} END,
        CASE WHEN ${blocked} THEN NULL ELSE ${p(r.sendAt)}::timestamp END,
        ${p(r.segments)}::int, ${p(r.encoding)}, ${p(r.from)}, ${p(r.to)}, ${p(r.purpose)}, ${p(r.kind)}, ${p(r.consentScope)}, ${p(r.dedupeKey)},
        ${p(r.authorName ?? null)}, ${p(r.origin ?? null)}, ${p(r.enrollmentId ?? null)}, ${p(r.topic ?? null)}, ${at}, ${at}
      FROM claim c
      ON CONFLICT ("dedupeKey") DO NOTHING
      RETURNING ${COLUMNS}
    ),
    ev AS (
      INSERT INTO "DomainEvent" ("businessId", "type", "subject", "payload", "createdAt")
      SELECT "businessId", 'message.added', "conversationId", jsonb_build_object('messageId', "id", 'conversationId', "conversationId",
        'contactId', "contactId", 'direction', 'outbound', 'channel', "channel", 'author', "author", 'status', "status"), ${at}
      FROM ins
    ),
    conv AS (
      UPDATE "Conversation" SET "lastMessageAt" = GREATEST("lastMessageAt", ${at}::timestamp), "updatedAt" = ${at}
      FROM ins WHERE "Conversation"."id" = ins."conversationId"
    )
    SELECT ${COLUMNS}, (SELECT "optedOutAt" FROM claim) AS "contactOptedOutAt" FROM ins`;
  return { text, values: v };
}

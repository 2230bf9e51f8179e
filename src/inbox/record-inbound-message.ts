// The one door in: every inbound message — SMS/MMS, voicemail, missed-call entry, web chat, a
// form's lead message — is written here and nowhere else. One transaction resolves the contact
// and conversation, stores the message once per provider id, keeps the conversation's
// bookkeeping and emits `message.added`, so subscribers see exactly what was stored. For a phone
// alone (a text, a call) on Postgres that is one batch of raw SQL, one round trip
// (record-message-sql.ts): contact + lock, the message, the touch if it opened a conversation (on
// PGlite the same statements one by one); a chat's or an email's contact goes through Prisma.
import type { Ctx } from "../context.ts";
import { rawSqlOf, type RawDb } from "../db/raw-sql-of.ts";
import { retried, withSqlTransaction, withTransaction, type Tx } from "../db/with-transaction.ts";
import { withAdvisoryLock } from "../db/with-advisory-lock.ts";
import { captureTouch, touchRowOf } from "./capture-touch.ts";
import { touchStatement } from "./capture-touch-sql.ts";
import {
  lockContactStatement,
  readLockedContact,
  readStoredMessage,
  storeInboundMessage,
  storeMessageStatement,
  type LockedContact,
  type MessageFacts,
} from "./record-message-sql.ts";
import { resolveContactTx, type ContactFacts } from "./resolve-contact.ts";

export interface InboundMessageInput {
  businessId: string;
  /** an existing contact (a chat session's), or what we know to find or create one */
  contact: { id: string } | Omit<ContactFacts, "businessId">;
  /** an existing conversation (a chat session's); else the contact's open one, opened if none */
  conversationId?: string | undefined;
  /** sms | mms | voice | webchat | form | google-ads | meta */
  channel: string;
  body: string;
  media?: { url: string; contentType?: string | undefined }[] | undefined;
  /** once per provider id (MessageSid, chat:<session>:<client>, missed-<CallSid>, lead:<event>) */
  providerId: string;
  from?: string | undefined;
  to?: string | undefined;
  at: Date;
  /** replies go out on this channel, from this business number, from now on */
  replyChannel?: "sms" | "webchat" | undefined;
  businessNumber?: string | undefined;
  /** a conversation this message opens is a touch (a lead if the contact has none), committed with it */
  touchIfOpened?: { channel: string; source: string; isTest?: boolean | undefined } | undefined;
  /**
   * The message comes from a stored webhook (an InboundEvent row, committed before its 2xx), which
   * is processed again if a Postgres crash loses this write: it may commit without waiting for the
   * disk (a phone alone on Postgres; `BatchOptions.relaxed`).
   */
  fromStoredEvent?: boolean | undefined;
}

export interface InboundMessageResult {
  messageId: string;
  /** false: this provider id was stored before (a retry or a duplicate delivery) */
  created: boolean;
  contact: LockedContact;
  conversation: { id: string };
  /** the conversation was opened by this message */
  opened: boolean;
}

export async function recordInboundMessage(db: Pick<Ctx, "prisma" | "sqlBatch" | "sqlTx">, input: InboundMessageInput): Promise<InboundMessageResult> {
  // A contact created by a writer outside this transaction can win the unique (business, phone)
  // race; the whole door then runs again and finds it.
  const c = input.contact;
  if (!("id" in c) && c.phone && !c.email) {
    const contact = { businessId: input.businessId, ...c, phone: c.phone, at: input.at };
    if (db.sqlBatch.oneTrip) return retried(() => storeByPhone(db.sqlBatch, contact, input), { retryUniqueViolation: true });
    // in-process (PGlite): statement by statement, each reading the one before
    return withSqlTransaction(
      db.sqlTx,
      async (sql) => {
        const lock = lockContactStatement(contact);
        return storeLocked(sql, readLockedContact(await sql(lock.text, lock.values)), input);
      },
      { retryUniqueViolation: true },
    );
  }
  return withTransaction(db.prisma, async (tx) => storeLocked(tx, await lockContact(tx, input), input), { retryUniqueViolation: true });
}

function factsOf(i: InboundMessageInput, contact: MessageFacts["contact"]): MessageFacts {
  return {
    businessId: i.businessId,
    contact,
    conversationId: i.conversationId ?? null,
    channel: i.channel,
    body: i.body,
    media: i.media?.length ? JSON.stringify(i.media) : null,
    providerId: i.providerId,
    from: i.from ?? null,
    to: i.to ?? null,
    at: i.at,
    replyChannel: i.replyChannel ?? null,
    businessNumber: i.businessNumber ?? null,
  };
}

/** A race lost to a writer that takes no contact lock: a later attempt sees what it committed. */
const STORE_ATTEMPTS = 3;

/** A phone alone: contact + lock, the message and the touch in one batch (one round trip). */
async function storeByPhone(
  batch: Ctx["sqlBatch"],
  contact: Parameters<typeof lockContactStatement>[0],
  i: InboundMessageInput,
): Promise<InboundMessageResult> {
  const facts = factsOf(i, { phone: contact.phone });
  for (let attempt = 1; ; attempt++) {
    const message = storeMessageStatement(facts);
    // the touch goes only when the message opened the conversation (its statement checks)
    const touch = i.touchIfOpened
      ? [
          touchStatement(
            touchRowOf(
              { ...i.touchIfOpened, attribution: {}, businessId: i.businessId, conversationId: message.conversationId, at: i.at },
              { phone: contact.phone },
            ),
            { onlyIfOpened: true },
          ),
        ]
      : [];
    const [contactRows, messageRows] = await batch([lockContactStatement(contact), message, ...touch], { relaxed: i.fromStoredEvent === true });
    const stored = readStoredMessage(messageRows!, facts);
    if (stored)
      return {
        messageId: stored.messageId,
        created: stored.created,
        contact: readLockedContact(contactRows!),
        conversation: { id: stored.conversationId },
        opened: stored.opened,
      };
    if (attempt >= STORE_ATTEMPTS) throw new Error(`message ${i.providerId}: could not be stored (lost ${attempt} races)`);
  }
}

async function storeLocked(db: RawDb, contact: LockedContact, i: InboundMessageInput): Promise<InboundMessageResult> {
  const sql = rawSqlOf(db);
  const facts = factsOf(i, { id: contact.id });
  for (let attempt = 1; ; attempt++) {
    const stored = await storeInboundMessage(sql, facts);
    if (stored) {
      if (stored.opened && i.touchIfOpened) {
        await captureTouch(sql, {
          ...i.touchIfOpened,
          attribution: {},
          businessId: i.businessId,
          contactId: contact.id,
          conversationId: stored.conversationId,
          at: i.at,
        });
      }
      return { messageId: stored.messageId, created: stored.created, contact, conversation: { id: stored.conversationId }, opened: stored.opened };
    }
    if (attempt >= STORE_ATTEMPTS) throw new Error(`message ${i.providerId}: could not be stored (lost ${attempt} races)`);
  }
}

/** The contact, held under its `contact:<id>` lock until the transaction ends (chat joins take the same lock). */
async function lockContact(tx: Tx, i: InboundMessageInput): Promise<LockedContact> {
  if ("id" in i.contact) {
    const c = await tx.contact.findFirstOrThrow({ where: { id: i.contact.id, businessId: i.businessId }, select: { id: true, optedOutAt: true } });
    await withAdvisoryLock(tx, `contact:${c.id}`);
    return c;
  }
  // (a phone alone goes the raw way, above); an email may join two contacts: the locked path
  const c = await resolveContactTx(tx, { ...i.contact, businessId: i.businessId }, i.at);
  await withAdvisoryLock(tx, `contact:${c.id}`);
  return { id: c.id, optedOutAt: c.optedOutAt };
}

// The one door in: every inbound message — SMS/MMS, voicemail, missed-call entry, web chat, a
// form's lead message — is written here and nowhere else. One transaction resolves the contact
// and conversation, stores the message once per provider id, keeps the conversation's
// bookkeeping and emits `message.added`, so subscribers see exactly what was stored.
import type { Prisma } from "../db/open-database.ts";
import { withTransaction, type Tx } from "../db/with-transaction.ts";
import { withAdvisoryLock } from "../db/with-advisory-lock.ts";
import { emitEvent } from "../events/emit-event.ts";
import { newId } from "../lib/new-id.ts";
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
}

type ContactRow = Awaited<ReturnType<Prisma["contact"]["findFirstOrThrow"]>>;
type ConversationRow = Awaited<ReturnType<Prisma["conversation"]["findFirstOrThrow"]>>;

export interface InboundMessageResult {
  messageId: string;
  /** false: this provider id was stored before (a retry or a duplicate delivery) */
  created: boolean;
  contact: ContactRow;
  conversation: ConversationRow;
  /** the conversation was opened by this message */
  opened: boolean;
}

export async function recordInboundMessage(prisma: Prisma, input: InboundMessageInput): Promise<InboundMessageResult> {
  // A contact created by a writer outside this transaction can win the unique (business, phone)
  // race; the whole door then runs again and finds it.
  return withTransaction(prisma, (tx) => recordInTx(tx, input), { retryUniqueViolation: true });
}

async function recordInTx(tx: Tx, i: InboundMessageInput): Promise<InboundMessageResult> {
  const contact =
    "id" in i.contact
      ? await tx.contact.findFirstOrThrow({ where: { id: i.contact.id, businessId: i.businessId } })
      : await resolveContactTx(tx, { ...i.contact, businessId: i.businessId }, i.at);
  await withAdvisoryLock(tx, `contact:${contact.id}`);
  const { conversation, opened } = await conversationFor(tx, i, contact.id);

  const id = newId();
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body", "media",
      "status", "providerId", "fromNumber", "toNumber", "kind", "createdAt", "updatedAt")
    VALUES (${id}, ${i.businessId}, ${conversation.id}, ${contact.id}, 'inbound', ${i.channel}, 'contact', ${i.body},
      ${i.media?.length ? JSON.stringify(i.media) : null}::jsonb, 'received', ${i.providerId}, ${i.from ?? null}, ${i.to ?? null},
      'reply', ${i.at}, ${i.at})
    ON CONFLICT ("providerId") DO NOTHING
    RETURNING "id"`;
  if (!inserted[0]) {
    const prior = await tx.message.findUniqueOrThrow({ where: { providerId: i.providerId }, select: { id: true } });
    return { messageId: prior.id, created: false, contact, conversation, opened };
  }
  const later = conversation.lastMessageAt && conversation.lastMessageAt > i.at ? conversation.lastMessageAt : i.at;
  const updated = await tx.conversation.update({ where: { id: conversation.id }, data: { lastMessageAt: later } });
  await emitEvent(tx, {
    businessId: i.businessId,
    type: "message.added",
    subject: conversation.id,
    at: i.at,
    payload: {
      messageId: id,
      conversationId: conversation.id,
      contactId: contact.id,
      direction: "inbound",
      channel: i.channel,
      author: "contact",
      status: "received",
    },
  });
  return { messageId: id, created: true, contact, conversation: updated, opened };
}

async function conversationFor(tx: Tx, i: InboundMessageInput, contactId: string): Promise<{ conversation: ConversationRow; opened: boolean }> {
  const change = {
    ...(i.replyChannel ? { channel: i.replyChannel } : {}),
    ...(i.businessNumber ? { businessNumber: i.businessNumber } : {}),
  };
  const existing = i.conversationId
    ? await tx.conversation.findFirstOrThrow({ where: { id: i.conversationId, businessId: i.businessId } })
    : await tx.conversation.findFirst({ where: { businessId: i.businessId, contactId, status: "open" } });
  if (existing) {
    // replies go where the homeowner last reached us, from the number they used
    const differs = (Object.keys(change) as (keyof typeof change)[]).some((k) => existing[k] !== change[k]);
    return { conversation: differs ? await tx.conversation.update({ where: { id: existing.id }, data: change }) : existing, opened: false };
  }
  // under the contact lock, no other door in can open one meanwhile
  const conversation = await tx.conversation.create({
    data: { businessId: i.businessId, contactId, channel: i.replyChannel ?? "sms", businessNumber: i.businessNumber ?? null, createdAt: i.at },
  });
  return { conversation, opened: true };
}

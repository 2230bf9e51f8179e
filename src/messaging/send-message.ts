// The one door out. Every outbound text — template, AI, human, sequence — is written here as a row
// before any provider call, then delivered by the `deliver-message` job (jobId = row id), or at
// once for replies a person is waiting for (deliverNow), with the job as the fallback.
import type { Ctx } from "../context.ts";
import type { Prisma } from "../db/open-database.ts";
import { isUniqueViolation } from "../db/is-unique-violation.ts";
import { normalizeGsm7 } from "./normalize-gsm7.ts";
import { deliverMessage } from "./deliver-message.ts";

export interface SendInput {
  businessId: string;
  conversationId: string;
  contactId: string;
  /** sms (default) or webchat (shown on the visitor's chat stream; no phone involved) */
  channel?: "sms" | "webchat";
  /** phone numbers; unused for webchat */
  to: string;
  from: string;
  body: string;
  author: "template" | "ai" | "human" | "system";
  /** why: textback | ack | help | reply | … */
  purpose: string;
  /** one message per logical send, whatever retries happen (e.g. textback-<CallSid>) */
  dedupeKey?: string;
  mediaUrls?: string[];
  /** deliver in this job rather than via the queue (replies a person is waiting for) */
  immediate?: boolean;
}

export interface QueuedMessage {
  id: string;
  status: string;
  /** false when the dedupe key had already produced this message */
  created: boolean;
}

/** Writes the outbound row: `queued`, or `blocked` for an opted-out contact. */
async function recordOutbound(db: Prisma, input: SendInput): Promise<QueuedMessage> {
  if (input.dedupeKey) {
    const prior = await db.message.findUnique({ where: { dedupeKey: input.dedupeKey }, select: { id: true, status: true } });
    if (prior) return { ...prior, created: false };
  }
  const contact = await db.contact.findFirst({
    where: { id: input.contactId, businessId: input.businessId },
    select: { optedOutAt: true },
  });
  if (!contact) throw new Error(`contact ${input.contactId} not in business ${input.businessId}`);
  const webchat = input.channel === "webchat";
  const sms = normalizeGsm7(input.body);
  // opt-out is a phone-number matter: a visitor who texted STOP can still chat on the website
  const blocked = !webchat && contact.optedOutAt !== null;
  const data = {
    businessId: input.businessId,
    conversationId: input.conversationId,
    contactId: input.contactId,
    direction: "outbound",
    channel: webchat ? "webchat" : input.mediaUrls?.length ? "mms" : "sms",
    author: input.author,
    body: webchat ? input.body.trim() : sms.body,
    media: input.mediaUrls?.length ? input.mediaUrls.map((url) => ({ url })) : undefined,
    status: blocked ? "blocked" : "queued",
    errorCode: blocked ? "opted-out" : null,
    segments: webchat ? null : sms.segments,
    encoding: webchat ? null : sms.encoding,
    fromNumber: webchat ? null : input.from,
    toNumber: webchat ? null : input.to,
    purpose: input.purpose,
    dedupeKey: input.dedupeKey ?? null,
  };
  const row = await db.message.create({ data, select: { id: true, status: true } });
  return { ...row, created: true };
}

/** Records and queues one outbound text; a duplicate dedupe key returns the first message. */
export async function sendMessage(ctx: Ctx, input: SendInput): Promise<QueuedMessage> {
  let msg: QueuedMessage;
  try {
    msg = await recordOutbound(ctx.prisma, input);
  } catch (e) {
    if (!isUniqueViolation(e) || !input.dedupeKey) throw e;
    // lost a race on the dedupe key: the other writer's row is the message
    const prior = await ctx.prisma.message.findUniqueOrThrow({ where: { dedupeKey: input.dedupeKey }, select: { id: true, status: true } });
    msg = { ...prior, created: false };
  }
  if (msg.status === "blocked") {
    if (msg.created) ctx.metrics.sends.inc({ status: "blocked" });
  } else if (msg.status === "queued") {
    if (input.immediate) await deliverNow(ctx, msg.id);
    else await queueDelivery(ctx, msg.id);
  } else if (msg.status === "sending" && !msg.created) {
    // a re-run after a crash mid-send: the delivery job records it as unknown
    await queueDelivery(ctx, msg.id);
  }
  // bookkeeping after the send, not before it
  if (msg.created) await ctx.prisma.conversation.update({ where: { id: input.conversationId }, data: { lastMessageAt: new Date() } });
  return msg;
}

/**
 * Speed to lead: make the provider call here and now, skipping a queue hop. Anything short of
 * done (rate limited, provider trouble, our own error) falls back to the delivery job, which
 * claims by status, so the message is still sent once.
 */
export async function deliverNow(ctx: Ctx, messageId: string): Promise<{ handedToProvider: boolean }> {
  try {
    const outcome = await deliverMessage(ctx, messageId, { lastAttempt: false });
    if (outcome.kind === "wait") await queueDelivery(ctx, messageId, outcome.ms);
    else if (outcome.kind === "retry") await queueDelivery(ctx, messageId, 2000);
    return { handedToProvider: outcome.kind === "done" && ["accepted", "sent", "delivered"].includes(outcome.status) };
  } catch (e) {
    ctx.log.warn({ messageId, err: (e as Error).message }, "immediate delivery failed; handing it to the queue");
    await queueDelivery(ctx, messageId);
    return { handedToProvider: false };
  }
}

/** Triggers delivery; if Redis is down the row stays `queued` and the sweeper re-queues it. */
export async function queueDelivery(ctx: Ctx, messageId: string, delayMs?: number): Promise<void> {
  try {
    await ctx.queues.enqueueDelivery(messageId, delayMs);
  } catch (e) {
    ctx.log.warn({ messageId, err: (e as Error).message }, "delivery not queued now; the sweeper will");
  }
}

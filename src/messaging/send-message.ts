// The one door out. Every outbound message — template, AI, human from Slack, sequence — is written
// here as a row before any provider call, after the send policy has had its say:
//   opt-out → (proactive only) marketing consent → quiet hours in the recipient's zone → daily cap.
// A message that may not go now is stored `scheduled` with the next allowed moment, never dropped.
// Delivery follows by the `deliver-message` job (jobId = row id), or at once for replies a person
// is waiting for, with the job as the fallback.
import type { Ctx } from "../context.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { withAdvisoryLock } from "../db/with-advisory-lock.ts";
import { preparedName } from "../db/prepared-name.ts";
import { normalizeGsm7 } from "./normalize-gsm7.ts";
import type { Lane } from "../lib/lane.ts";
import { deliverMessage, slotModeOf, type DeliverRow } from "./deliver-message.ts";
import { laneOfPurpose } from "./lane-of-purpose.ts";
import { gatherPolicyFacts, replyIsFresh } from "./gather-policy-facts.ts";
import { evaluateSendPolicy, type PolicyVerdict } from "./policy/evaluate-send-policy.ts";
import { recordOutboundSql, type NewerInbound, type OutboundRow, type RecordedRow } from "./record-outbound.ts";

/** What every outbound message needs. */
export interface SendCore {
  businessId: string;
  conversationId: string;
  contactId: string;
  /** sms (default), webchat (shown on the visitor's chat stream; no phone involved) or voice (already spoken on a call: the row is the record) */
  channel?: "sms" | "webchat" | "voice";
  /** phone numbers; unused for webchat */
  to: string;
  from: string;
  body: string;
  /** why, for reports and lanes: textback | ack | help | reply | speed-to-lead | sequence | campaign | … */
  purpose: string;
  /** one message per logical send, whatever retries happen (e.g. textback-<CallSid>) */
  dedupeKey?: string;
  mediaUrls?: string[];
  /** deliver in this job rather than via the queue (replies a person is waiting for) */
  immediate?: boolean;
  /**
   * With `immediate`: the caller's own durable state writes this message again if a Postgres crash
   * loses it before it is sent (an agent turn: its trigger stays unanswered and the agent sweep runs
   * it again). Its row may then commit without waiting for the disk (`BatchOptions.relaxed`): the
   * delivery's claim, synchronous, makes it durable before the provider is called.
   */
  rewrittenIfLost?: boolean;
}

/** Who sends it and on what grounds: each kind carries only what the send policy needs for it. */
export type SendAs =
  /** the system answers the homeowner's inbound (or request) that arrived at `replyToAt` */
  | {
      kind: "reply";
      author: "template" | "ai" | "system";
      replyToAt: Date;
      /** once per contact per window: nothing is written when the contact was texted this way since then */
      oncePerContactSince?: Date;
      /** nothing is written when a message newer than the one answered arrived (the reply would be stale) */
      unlessNewerInbound?: NewerInbound;
    }
  /** a notice the business starts, not tied to a sequence: the whole policy applies (consent by scope, quiet hours, caps) */
  | { kind: "proactive"; author: "template" | "ai" | "system"; scope?: "transactional" | "marketing"; topic?: string }
  /** a sequence or campaign step: consent by scope, per-topic caps, withdrawn when its enrollment stops */
  | { kind: "step"; author: "template" | "ai"; scope: "transactional" | "marketing"; topic: string; enrollmentId: string }
  /** a person wrote it (Slack or the console): a reply when the homeowner wrote last (`replyToAt`), else proactive */
  | { kind: "person"; authorName: string; origin: "slack" | "console"; replyToAt: Date | undefined };

export type SendInput = SendCore & SendAs;

/** the one flat shape the policy and the row are written from */
interface Outbound extends SendCore {
  author: "template" | "ai" | "human" | "system";
  kind: "reply" | "proactive";
  replyToAt: Date | undefined;
  scope: "transactional" | "marketing";
  oncePerContactSince: Date | undefined;
  unlessNewerInbound: NewerInbound | undefined;
  authorName: string | undefined;
  origin: "slack" | "console" | undefined;
  enrollmentId: string | undefined;
  topic: string | undefined;
}

function outboundOf(input: SendInput): Outbound {
  const none = {
    oncePerContactSince: undefined,
    unlessNewerInbound: undefined,
    authorName: undefined,
    origin: undefined,
    enrollmentId: undefined,
    topic: undefined,
  };
  switch (input.kind) {
    case "reply":
      return { ...input, ...none, scope: "transactional", oncePerContactSince: input.oncePerContactSince, unlessNewerInbound: input.unlessNewerInbound };
    case "proactive":
      return { ...input, ...none, replyToAt: undefined, scope: input.scope ?? "transactional", topic: input.topic };
    case "step":
      return { ...input, ...none, kind: "proactive", replyToAt: undefined, topic: input.topic, enrollmentId: input.enrollmentId };
    case "person":
      return {
        ...input,
        ...none,
        author: "human",
        kind: input.replyToAt ? "reply" : "proactive",
        scope: "transactional",
        authorName: input.authorName,
        origin: input.origin,
      };
  }
}

export interface QueuedMessage {
  id: string;
  /** queued | scheduled | blocked | … (a duplicate dedupe key returns the first message's status) */
  status: string;
  /** false when the dedupe key had already produced this message */
  created: boolean;
  /** true when the immediate delivery handed it to the provider */
  handedToProvider?: boolean;
}

/** Records and queues one outbound message; null when `oncePerContactSince` (or an opt-out) or `unlessNewerInbound` kept it from being written. */
export async function sendMessage(ctx: Ctx, input: SendInput & { oncePerContactSince: Date }): Promise<QueuedMessage | null>;
export async function sendMessage(ctx: Ctx, input: SendInput & { unlessNewerInbound: NewerInbound }): Promise<QueuedMessage | null>;
export async function sendMessage(ctx: Ctx, input: SendInput): Promise<QueuedMessage>;
export async function sendMessage(ctx: Ctx, send: SendInput): Promise<QueuedMessage | null> {
  const input = outboundOf(send);
  // No lookup first: the insert itself refuses a second row for a dedupe key (one round trip).
  const now = ctx.clock.now();
  const business = await ctx.directory.byId(input.businessId);
  if (!business) throw new Error(`business ${input.businessId} not found`);
  const profile = business.profile;
  const webchat = input.channel === "webchat";
  // no text is sent for these: web chat is shown on the visitor's stream, voice was said on the call
  const noText = webchat || input.channel === "voice";
  const sms = normalizeGsm7(input.body);
  const row = (verdict: PolicyVerdict): OutboundRow => ({
    businessId: input.businessId,
    conversationId: input.conversationId,
    contactId: input.contactId,
    channel: noText ? (webchat ? "webchat" : "voice") : input.mediaUrls?.length ? "mms" : "sms",
    author: input.author,
    body: noText ? input.body.trim() : sms.body,
    media: input.mediaUrls?.length ? input.mediaUrls.map((url) => ({ url })) : undefined,
    status: verdict.action === "send" ? "queued" : verdict.action === "defer" ? "scheduled" : "blocked",
    holdReason: verdict.action === "block" ? verdict.reason : verdict.action === "defer" ? verdict.reasons.join(",") : null,
    sendAt: verdict.action === "defer" ? verdict.until : null,
    segments: noText ? null : sms.segments,
    encoding: noText ? null : sms.encoding,
    from: webchat ? null : input.from,
    to: webchat ? null : input.to,
    purpose: input.purpose,
    kind: verdict.action === "send" ? verdict.kind : input.kind,
    consentScope: input.scope,
    dedupeKey: input.dedupeKey ?? null,
    authorName: input.authorName,
    origin: input.origin,
    enrollmentId: input.enrollmentId,
    topic: input.topic,
    at: now,
    oncePerContactSince: input.oncePerContactSince,
    unlessNewerInbound: input.unlessNewerInbound,
  });

  let recorded: RecordedRow | undefined;
  // the row as the fast path wrote it: an immediate delivery starts from it instead of reading it back
  let written: DeliverRow | undefined;
  // an immediate text's send slot, asked for while its row is written (below)
  let slot: Promise<number> | undefined;
  if (noText || replyIsFresh(input.kind, input.replyToAt, now, profile)) {
    // Fast path (a reply to someone who just wrote): one statement; opt-out is checked inside it.
    const { text, values } = recordOutboundSql(row({ action: "send", kind: noText ? input.kind : "reply" }));
    // The send slot is taken beside the write, not after it: one round trip fewer before the
    // provider call. Delivery still claims the row after the slot, so a STOP that lands meanwhile
    // stops the text; a slot taken for a row that is not sent (opted out, a duplicate) is only a
    // pause in the number's pacing.
    if (input.immediate && !noText) {
      slot = ctx.limiter.take(input.from, profile.messaging.mps, slotModeOf(input.purpose));
      slot.catch(() => undefined); // Redis failing: delivery reports it, or it is not needed
    }
    // its text is one of a few (which claims and checks apply)
    const statement = { text, values, prepareAs: preparedName(text) };
    const relaxed = slot !== undefined && input.rewrittenIfLost === true && ctx.sqlBatch.oneTrip;
    recorded = relaxed
      ? ((await ctx.sqlBatch([statement], { relaxed: true }))[0]![0] as RecordedRow | undefined)
      : (await ctx.sql<RecordedRow>(text, values, statement.prepareAs))[0];
    written = recorded as DeliverRow | undefined;
  } else {
    // Proactive: the cap is counted and the row written under one lock per contact, so two
    // sequences firing at once cannot both take the last allowed message of the day.
    recorded = await withTransaction(ctx.prisma, async (tx) => {
      await withAdvisoryLock(tx, `proactive:${input.contactId}`);
      const facts = await gatherPolicyFacts(tx, { ...input, channel: webchat ? "webchat" : "sms", at: now, profile });
      const { text, values } = recordOutboundSql(row(evaluateSendPolicy(facts)));
      return (await tx.$queryRawUnsafe<RecordedRow[]>(text, ...values))[0];
    });
  }
  if (!recorded) {
    if (input.dedupeKey) {
      // the dedupe key had already produced a message (a retry, or a writer that won the race)
      const prior = await ctx.prisma.message.findUnique({ where: { dedupeKey: input.dedupeKey }, select: { id: true, status: true } });
      if (prior) return afterDuplicate(ctx, prior, input.purpose);
    }
    if (input.oncePerContactSince || input.unlessNewerInbound) return null;
    throw new Error(`contact ${input.contactId} not in business ${input.businessId}`);
  }
  const msg: QueuedMessage = { id: recorded.id, status: recorded.status, created: true };
  if (msg.status !== "queued") {
    ctx.metrics.sends.inc({ status: msg.status });
    if (msg.status === "scheduled") ctx.log.info({ messageId: msg.id, purpose: input.purpose }, "proactive message held by the send policy; scheduled");
    return msg;
  }
  const lane = laneOfPurpose(input.purpose);
  if (input.immediate) msg.handedToProvider = (await deliverNow(ctx, msg.id, lane, written, slot)).handedToProvider;
  else await queueDelivery(ctx, msg.id, { lane });
  return msg;
}

async function afterDuplicate(ctx: Ctx, prior: { id: string; status: string }, purpose: string): Promise<QueuedMessage> {
  // A re-run after a crash, or a second trigger of the same send: still queued ⇒ send it; caught
  // mid-send ⇒ the delivery job waits until that send has settled, then (its run dead) asks the
  // provider before anything is resent.
  if (prior.status === "queued" || prior.status === "sending") await queueDelivery(ctx, prior.id, { lane: laneOfPurpose(purpose) });
  return { ...prior, created: false };
}

/**
 * Speed to lead: make the provider call here and now, skipping a queue hop. Anything short of
 * done (rate limited, provider trouble, our own error) falls back to the delivery job, which
 * claims by status, so the message is still sent once.
 */
export async function deliverNow(
  ctx: Ctx,
  messageId: string,
  lane: Lane = "conversation",
  written?: DeliverRow,
  slot?: Promise<number>,
): Promise<{ handedToProvider: boolean }> {
  try {
    const outcome = await deliverMessage(ctx, messageId, { lastAttempt: false }, written, slot);
    if (outcome.kind === "wait") await queueDelivery(ctx, messageId, { delayMs: outcome.ms, lane });
    else if (outcome.kind === "retry") await queueDelivery(ctx, messageId, { delayMs: 2000, lane });
    return { handedToProvider: outcome.kind === "done" && ["accepted", "sent", "delivered"].includes(outcome.status) };
  } catch (e) {
    ctx.log.warn({ messageId, err: (e as Error).message }, "immediate delivery failed; handing it to the queue");
    await queueDelivery(ctx, messageId, { lane });
    return { handedToProvider: false };
  }
}

/** Triggers delivery; if Redis is down the row stays `queued` and the sweeper re-queues it. */
export async function queueDelivery(ctx: Ctx, messageId: string, opts: { delayMs?: number; lane?: Lane } = {}): Promise<void> {
  try {
    await ctx.queues.enqueueDelivery(messageId, opts);
  } catch (e) {
    ctx.log.warn({ messageId, err: (e as Error).message }, "delivery not queued now; the sweeper will");
  }
}

// The `deliver-message` job: one provider call per message row, never two.
import type { Ctx } from "../context.ts";
import type { Message } from "../generated/prisma/client.ts";
import { countNumberSends } from "./count-number-sends.ts";
import type { DeliverOutcome } from "./deliver-outcome.ts";
import { deliverToChat } from "./deliver-to-chat.ts";
import { gatherPolicyFacts } from "./gather-policy-facts.ts";
import { handleSendFailure, reconcileSend } from "./handle-send-failure.ts";
import { alertTooLate, isTooLate, TIME_BOUND_PURPOSES } from "./late-notice.ts";
import { laneOfPurpose } from "./lane-of-purpose.ts";
import { evaluateSendPolicy } from "./policy/evaluate-send-policy.ts";
import { localDayOf } from "./policy/number-daily-cap.ts";
import { OPT_OUT_CONFIRMATION } from "./record-outbound.ts";
import { setMessageStatus } from "./set-message-status.ts";
import { markFirstResponse } from "./mark-first-response.ts";
import type { SlotMode } from "./per-number-limiter.ts";

/** FCC 2024: an opt-out may be confirmed by one text within five minutes; later, none at all. */
const CONFIRMATION_MAX_AGE_MS = 5 * 60_000;

/**
 * How long a live send keeps its row `sending` before its outcome is in: a moment at its pace, then
 * the provider call's 10 s timeout. Past this, the run that claimed it is dead (or looking its
 * unknown outcome up itself). Short enough that a dead worker's sends, re-run once its 10 s lock has
 * run out, wait a few seconds more at most.
 */
export const SEND_SETTLES_MS = 15_000;

export interface DeliverOptions {
  /** true on the job's last allowed attempt: a retryable failure becomes `failed` */
  lastAttempt: boolean;
}

/** a message row with its contact's opt-out: what a delivery starts from */
export type DeliverRow = Message & { contactOptedOutAt: Date | null };

/** campaigns take only a slot that is free now; everything else may reserve the next one */
export function slotModeOf(purpose: string | null | undefined): SlotMode {
  return laneOfPurpose(purpose) === "bulk" ? "free-only" : "reserve";
}

/**
 * `written`: the row as the caller's own statement just wrote it (a reply delivered at once), so it
 * is not read back; the status claims below still decide, so a stale copy cannot send twice.
 * `slot`: the send slot the caller asked for while writing it (`limiter.take` for this row's number,
 * rate and purpose), instead of asking here.
 */
export async function deliverMessage(ctx: Ctx, messageId: string, opts: DeliverOptions, written?: DeliverRow, slot?: Promise<number>): Promise<DeliverOutcome> {
  // the row and its recipient's consent in one raw statement: every text waits on it before the send
  const [found] = written
    ? [written]
    : await ctx.sql<DeliverRow>(
        `SELECT m.*, c."optedOutAt" AS "contactOptedOutAt" FROM "Message" m JOIN "Contact" c ON c."id" = m."contactId" WHERE m."id" = $1`,
        [messageId],
      );
  if (!found || found.direction !== "outbound") return { kind: "skip", reason: "no such outbound message" };
  const { contactOptedOutAt, ...row } = found;
  const msg = { ...row, contact: { optedOutAt: contactOptedOutAt } };
  const at = ctx.clock.now();

  if (msg.status === "sending") {
    // Another run claimed it. While that run may still be alive (this is a duplicate trigger, or a
    // job started again while its first run is only slow), it is waited for: the provider does not
    // list a text whose create call has not answered yet, so asking now could send it twice.
    const attempted = msg.attemptedAt ?? msg.updatedAt;
    const live = attempted.getTime() + SEND_SETTLES_MS - at.getTime();
    if (live > 0) return { kind: "wait", ms: Math.min(live, SEND_SETTLES_MS) }; // another process's clock may run ahead
    // That run died between claiming and hearing back: it may or may not have gone out.
    // Never resend blindly: the provider is asked; only a text it certainly does not have goes again.
    const cutOff = new Error("the send was cut off mid-call");
    const settled = await reconcileSend(ctx, { ...msg, attemptedAt: attempted }, cutOff, cutOff.message);
    if (settled) return settled;
    if (!(await setMessageStatus(ctx.sql, { messageId, to: "queued", from: ["sending"], errorCode: "cut-off", at, emit: false })))
      return { kind: "skip", reason: "moved on meanwhile (status callback)" };
    ctx.log.warn({ messageId }, "a send cut off mid-call is not at the provider: sending it now");
    msg.status = "queued";
  }
  if (msg.status !== "queued") return { kind: "skip", reason: `already ${msg.status}` };
  // nothing to send: the chat stream shows the row; a voice line was already said on the call
  if (msg.channel === "webchat" || msg.channel === "voice") return deliverToChat(ctx, msg);

  if (msg.purpose === OPT_OUT_CONFIRMATION) {
    if (at.getTime() - msg.createdAt.getTime() > CONFIRMATION_MAX_AGE_MS) {
      await setMessageStatus(ctx.sql, { messageId, to: "canceled", from: ["queued"], errorCode: "too-late", at });
      ctx.metrics.sends.inc({ status: "canceled" });
      return { kind: "done", status: "canceled" };
    }
  } else if (msg.contact.optedOutAt) {
    await setMessageStatus(ctx.sql, { messageId, to: "blocked", from: ["queued"], errorCode: "opted-out", holdReason: "opted-out", at });
    ctx.metrics.sends.inc({ status: "blocked" });
    return { kind: "done", status: "blocked" };
  }
  const business = await ctx.directory.byId(msg.businessId);
  if (business && msg.purpose && TIME_BOUND_PURPOSES.includes(msg.purpose) && isTooLate(msg.createdAt, at, business.profile.textBack.maxAgeMinutes)) {
    // stuck in the queue for hours (provider or Redis outage): not worth a surprise text now
    await setMessageStatus(ctx.sql, { messageId, to: "canceled", from: ["queued"], errorCode: "too-late", at });
    ctx.metrics.sends.inc({ status: "canceled" });
    await alertTooLate(ctx, business, {
      kind: msg.purpose === "textback" ? "textback" : "speed-to-lead",
      key: msg.dedupeKey ?? msg.id,
      triggerAt: msg.createdAt,
      phone: msg.toNumber ?? "",
      conversationId: msg.conversationId,
    });
    return { kind: "done", status: "canceled" };
  }
  if (msg.kind === "proactive" && business) {
    // Time has passed since the row was written (a retry, a Redis outage): quiet hours again.
    const verdict = evaluateSendPolicy({
      ...(await gatherPolicyFacts(ctx.prisma, {
        ...msg,
        channel: "sms",
        kind: "proactive",
        scope: msg.consentScope as "transactional" | "marketing",
        to: msg.toNumber ?? "",
        at,
        profile: business.profile,
        excludeMessageId: msg.id,
      })),
      // the contact's caps were reserved when the row was written
      proactiveTimes: [],
      topicTimes: [],
    });
    if (verdict.action !== "send") {
      const until = verdict.action === "defer" ? verdict.until : null;
      const to = until ? "scheduled" : "blocked";
      await setMessageStatus(ctx.sql, {
        messageId,
        to,
        from: ["queued"],
        sendAt: until,
        holdReason: verdict.action === "defer" ? verdict.reasons.join(",") : verdict.reason,
        at,
      });
      ctx.metrics.sends.inc({ status: to });
      return { kind: "done", status: to };
    }
  }

  const from = msg.fromNumber ?? "";
  // The sending number's daily allowance, proactive texts only: counted before a rate slot is
  // taken (so the day's overflow spends no slots) and given back if the text does not go.
  let daily: { day: string } | undefined;
  if (msg.kind === "proactive" && business) {
    const day = localDayOf(at, business.profile.timezone);
    const seed = () => countNumberSends(ctx.prisma, from, day.start);
    if (!(await ctx.limiter.countDaily(from, day.start.toISOString(), business.profile.messaging.dailyCapPerNumber, seed)))
      return holdForNumberCap(ctx, messageId, day.next, at);
    daily = { day: day.start.toISOString() };
  }
  const uncount = async () => {
    if (daily) await ctx.limiter.uncountDaily(from, daily.day);
  };
  const mps = business?.profile.messaging.mps ?? 1;
  const wait = await (slot ?? ctx.limiter.take(from, mps, slotModeOf(msg.purpose)));
  if (wait > 0) {
    await uncount();
    return { kind: "wait", ms: wait };
  }
  const sendingAt = ctx.clock.now();
  const claimed = await setMessageStatus(ctx.sql, {
    messageId,
    to: "sending",
    from: ["queued"],
    attemptedAt: sendingAt,
    incrementAttempts: true,
    at: sendingAt,
    emit: false,
  });
  if (!claimed) {
    await uncount();
    return { kind: "skip", reason: "no longer queued" };
  }

  // The claim above may have bunched this send with the one before. Redis failing just now (it
  // answered for the slot) must not turn a send we have not made into an unknown outcome: go on.
  await ctx.limiter.pace(from, mps).catch((e: Error) => ctx.log.warn({ messageId, err: e.message }, "send pacing unavailable; sending on the slot taken"));
  let r: Awaited<ReturnType<Ctx["provider"]["send"]>>;
  try {
    r = await ctx.provider.send({
      to: msg.toNumber ?? "",
      from: msg.fromNumber ?? "",
      body: msg.body,
      statusCallback: `${ctx.env.PUBLIC_BASE_URL}/webhooks/twilio/status?m=${msg.id}`,
      mediaUrls: Array.isArray(msg.media) ? (msg.media as { url: string }[]).map((m) => m.url) : undefined,
    });
  } catch (e) {
    const outcome = await handleSendFailure(ctx, { ...msg, attemptedAt: sendingAt }, e, opts.lastAttempt);
    // certainly not sent (to be retried, or refused): it does not use the day's allowance
    if (outcome.kind === "retry" || (outcome.kind === "done" && ["failed", "blocked"].includes(outcome.status))) await uncount();
    return outcome;
  }
  // The provider has the text. A failure from here on (Postgres) leaves the row `sending` and is
  // thrown: a later run finds the text at the provider and adopts it. Handled as a failed send, it
  // went back to the queue and out a second time.
  const sentAt = ctx.clock.now();
  const next = r.status === "sent" || r.status === "delivered" ? r.status : "accepted";
  // A status callback may already have moved it further: only advance from where we left it.
  // the lead's first response is marked in the same statement (or beside the catch-up write)
  const moved = await setMessageStatus(ctx.sql, {
    messageId,
    to: next,
    from: ["sending"],
    providerId: r.providerId,
    sentAt,
    at: sentAt,
    firstResponseAt: sentAt,
  });
  if (!moved) {
    await ctx.prisma.message.update({ where: { id: msg.id }, data: { providerId: r.providerId, sentAt } });
    await markFirstResponse(ctx.sql, msg.contactId, sentAt);
  }
  ctx.metrics.sends.inc({ status: next });
  return { kind: "done", status: next };
}

/** The number's allowance for today is used up: the message waits for the next local day. */
async function holdForNumberCap(ctx: Ctx, messageId: string, until: Date, at: Date): Promise<DeliverOutcome> {
  const held = await setMessageStatus(ctx.sql, { messageId, to: "scheduled", from: ["queued"], sendAt: until, holdReason: "number-cap", at });
  if (!held) return { kind: "skip", reason: "no longer queued" };
  ctx.metrics.sends.inc({ status: "scheduled" });
  ctx.log.info({ messageId, until }, "sending number's daily cap reached; held for the next local day");
  return { kind: "done", status: "scheduled" };
}

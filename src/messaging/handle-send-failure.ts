// What a failed provider call means for the row: an opt-out (21610), a final refusal (other 4xx),
// trouble worth another try (429, 5xx, connection refused) until the job's last attempt — or an
// unknown outcome (timeout, reset after sending): the text may already be out, so look it up in the
// provider's records first and resend only when it is certainly absent (no double texts).
import { raiseAlert } from "../alerts/raise-alert.ts";
import type { Ctx } from "../context.ts";
import type { DeliverOutcome } from "./deliver-outcome.ts";
import { type FindSentResult, ProviderError } from "./providers/sms-provider.ts";
import { recordOptOut } from "./record-opt-out.ts";
import { setMessageStatus } from "./set-message-status.ts";
import { markFirstResponse } from "./mark-first-response.ts";

export interface FailedSend {
  id: string;
  businessId: string;
  contactId: string;
  conversationId: string;
  toNumber: string | null;
  fromNumber: string | null;
  /** exactly what went to the provider (GSM-7 normalised when the row was written) */
  body: string;
  /** when this provider call started */
  attemptedAt: Date;
}

/** Twilio's date_created has whole seconds and its clock is not ours: look a little further back. */
const LOOKUP_SKEW_MS = 60_000;
/** Twilio statuses a found message keeps as they are; queued/accepted/sending/scheduled ⇒ accepted */
const ADOPTED_AS_IS = new Set(["sent", "delivered", "undelivered", "failed", "read", "canceled"]);

export async function handleSendFailure(ctx: Ctx, msg: FailedSend, e: unknown, lastAttempt: boolean): Promise<DeliverOutcome> {
  const err = e instanceof ProviderError ? e : undefined;
  const error = e as Error;
  const at = ctx.clock.now();
  const fail = async (errorCode: string) => {
    await setMessageStatus(ctx.sql, { messageId: msg.id, to: "failed", from: ["sending"], errorCode, errorMessage: error.message.slice(0, 500), at });
    ctx.metrics.sends.inc({ status: "failed" });
    return { kind: "done", status: "failed" } as const;
  };
  if (err?.code === "21610") {
    // opted out first, so nothing queued meanwhile slips through
    await recordOptOut(ctx, { businessId: msg.businessId, contactId: msg.contactId, reason: "carrier-21610" });
    return fail("21610");
  }
  const code = err?.code ?? (err?.httpStatus ? String(err.httpStatus) : undefined);
  if (err?.outcome === "rejected") return fail(code ?? "rejected");
  if (err?.outcome === "unknown") {
    const settled = await reconcileSend(ctx, msg, error, `${ctx.provider.name === "twilio" ? "Twilio" : "the provider"} timed out`);
    if (settled) return settled;
    // certainly absent: a plain retryable failure from here on
  }
  // 429, 5xx, connection refused, a lookup that found nothing, or our own bug: put it back.
  if (lastAttempt) return fail(code ?? "retries-exhausted");
  const requeued = await setMessageStatus(ctx.sql, {
    messageId: msg.id,
    to: "queued",
    from: ["sending"],
    errorCode: code ?? "network",
    errorMessage: error.message.slice(0, 500),
    at,
    emit: false,
  });
  if (!requeued) return { kind: "skip", reason: "moved on meanwhile (status callback)" };
  ctx.metrics.sends.inc({ status: "retried" });
  return { kind: "retry", error };
}

/**
 * The provider may have the message (a timeout, or a worker that died between claiming it and
 * hearing back): ask it. Found ⇒ adopt its id and status; cannot tell ⇒ `unknown` and an office
 * alert saying `why`; certainly absent ⇒ undefined (the caller may resend).
 */
export async function reconcileSend(ctx: Ctx, msg: FailedSend, error: Error, why: string): Promise<DeliverOutcome | undefined> {
  const since = new Date(msg.attemptedAt.getTime() - LOOKUP_SKEW_MS);
  // an identical text sent earlier to the same number is another row's, never this one
  const others = await ctx.prisma.message.findMany({
    where: { contactId: msg.contactId, direction: "outbound", body: msg.body, providerId: { not: null }, id: { not: msg.id } },
    select: { providerId: true },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  let found: FindSentResult;
  try {
    found = await ctx.provider.findSent({
      to: msg.toNumber ?? "",
      from: msg.fromNumber ?? "",
      body: msg.body,
      since,
      exclude: others.flatMap((o) => (o.providerId ? [o.providerId] : [])),
    });
  } catch {
    found = "cannot-tell";
  }
  const at = ctx.clock.now();
  if (found === "absent") {
    ctx.log.warn({ messageId: msg.id, err: error.message }, "send outcome unknown; the provider has no such message: resending");
    return undefined;
  }
  if (found === "cannot-tell") {
    const marked = await setMessageStatus(ctx.sql, {
      messageId: msg.id,
      to: "unknown",
      from: ["sending"],
      errorCode: "outcome-unknown",
      errorMessage: error.message.slice(0, 500),
      at,
    });
    if (!marked) return { kind: "skip", reason: "moved on meanwhile (status callback)" };
    ctx.metrics.sends.inc({ status: "unknown" });
    ctx.log.error({ messageId: msg.id, err: error.message }, "send outcome unknown and the provider cannot tell; not resent");
    await alertSendUnknown(ctx, { ...msg, why });
    return { kind: "done", status: "unknown" };
  }
  const status = found.status === "partially_delivered" ? "delivered" : ADOPTED_AS_IS.has(found.status) ? found.status : "accepted";
  const moved = await setMessageStatus(ctx.sql, { messageId: msg.id, to: status, from: ["sending"], providerId: found.providerId, sentAt: at, at });
  if (!moved) await ctx.prisma.message.updateMany({ where: { id: msg.id, providerId: null }, data: { providerId: found.providerId, sentAt: at } });
  await markFirstResponse(ctx.sql, msg.contactId, at);
  ctx.metrics.sends.inc({ status });
  ctx.log.warn({ messageId: msg.id, providerId: found.providerId, err: error.message }, "send outcome unknown; found at the provider, adopted");
  return { kind: "done", status };
}

/** The office is told about a text that may or may not have gone out (and was not resent). */
export async function alertSendUnknown(
  ctx: Pick<Ctx, "prisma" | "clock" | "log">,
  m: { id: string; businessId: string; conversationId: string; toNumber: string | null; why: string },
): Promise<void> {
  const to = m.toNumber ? `…${m.toNumber.slice(-4)}` : "a contact";
  try {
    await raiseAlert(ctx, {
      businessId: m.businessId,
      kind: "send-unknown",
      message: `Text to ${to} may or may not have gone out (${m.why}); not resent`,
      subject: m.conversationId,
      dedupeKey: `send-unknown-${m.id}`,
      payload: { messageId: m.id },
    });
  } catch (e) {
    // the row already says `unknown`; the alert must not undo or retry the work
    ctx.log.error({ messageId: m.id, err: (e as Error).message }, "send-unknown alert not raised");
  }
}

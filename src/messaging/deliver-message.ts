// The `deliver-message` job: one provider call per message row, never two.
import type { Ctx } from "../context.ts";
import { ProviderError } from "./providers/sms-provider.ts";
import { recordOptOut } from "./record-opt-out.ts";
import { chatEventOf } from "../channels/webchat/chat-hub.ts";

export type DeliverOutcome =
  | { kind: "done"; status: string }
  | { kind: "skip"; reason: string }
  | { kind: "wait"; ms: number }
  | { kind: "retry"; error: Error };

export interface DeliverOptions {
  /** true on the job's last allowed attempt: a retryable failure becomes `failed` */
  lastAttempt: boolean;
}

/** A web chat reply: the row is the delivery; the visitor's open stream gets it now, a reconnect replays it. */
async function deliverToChat(ctx: Ctx, msg: { id: string; conversationId: string; contactId: string; author: string; body: string; createdAt: Date }): Promise<DeliverOutcome> {
  const now = ctx.now();
  const moved = await ctx.prisma.message.updateMany({ where: { id: msg.id, status: "queued" }, data: { status: "delivered", sentAt: now } });
  if (moved.count === 0) return { kind: "skip", reason: "claimed by another worker" };
  await ctx.prisma.lead.updateMany({ where: { contactId: msg.contactId, firstResponseAt: null }, data: { firstResponseAt: now } });
  ctx.metrics.sends.inc({ status: "delivered" });
  await ctx.chat.publish(msg.conversationId, chatEventOf(msg)).catch((e: Error) => ctx.log.warn({ err: e.message }, "chat publish failed; the visitor sees it on reconnect"));
  return { kind: "done", status: "delivered" };
}

export async function deliverMessage(ctx: Ctx, messageId: string, opts: DeliverOptions): Promise<DeliverOutcome> {
  const { prisma } = ctx;
  const msg = await prisma.message.findUnique({
    where: { id: messageId },
    include: { contact: { select: { optedOutAt: true } } },
  });
  if (!msg || msg.direction !== "outbound") return { kind: "skip", reason: "no such outbound message" };

  if (msg.status === "sending") {
    // A previous run died between claiming and hearing back: it may or may not have gone out.
    // Never resend blindly; surface it instead.
    await prisma.message.updateMany({ where: { id: msg.id, status: "sending" }, data: { status: "unknown", errorCode: "outcome-unknown" } });
    ctx.metrics.sends.inc({ status: "unknown" });
    ctx.log.error({ messageId }, "send outcome unknown after a crash; not resent");
    return { kind: "done", status: "unknown" };
  }
  if (msg.status !== "queued") return { kind: "skip", reason: `already ${msg.status}` };

  if (msg.channel === "webchat") return deliverToChat(ctx, msg);

  if (msg.contact.optedOutAt) {
    await prisma.message.updateMany({ where: { id: msg.id, status: "queued" }, data: { status: "blocked", errorCode: "opted-out" } });
    ctx.metrics.sends.inc({ status: "blocked" });
    return { kind: "done", status: "blocked" };
  }

  const mps = (await ctx.directory.byId(msg.businessId))?.profile.messaging.mps ?? 1;
  const wait = await ctx.limiter.take(msg.fromNumber ?? "", mps);
  if (wait > 0) return { kind: "wait", ms: wait };

  const claimed = await prisma.message.updateMany({
    where: { id: msg.id, status: "queued" },
    data: { status: "sending", attempts: { increment: 1 } },
  });
  if (claimed.count === 0) return { kind: "skip", reason: "claimed by another worker" };

  try {
    const r = await ctx.provider.send({
      to: msg.toNumber ?? "",
      from: msg.fromNumber ?? "",
      body: msg.body,
      statusCallback: `${ctx.env.PUBLIC_BASE_URL}/webhooks/twilio/status?m=${msg.id}`,
      mediaUrls: Array.isArray(msg.media) ? (msg.media as { url: string }[]).map((m) => m.url) : undefined,
    });
    const now = ctx.now();
    const next = r.status === "sent" || r.status === "delivered" ? r.status : "accepted";
    // A status callback may already have moved it further: only advance from where we left it.
    const moved = await prisma.message.updateMany({
      where: { id: msg.id, status: "sending" },
      data: { status: next, providerId: r.providerId, sentAt: now },
    });
    if (moved.count === 0) await prisma.message.update({ where: { id: msg.id }, data: { providerId: r.providerId, sentAt: now } });
    await prisma.lead.updateMany({ where: { contactId: msg.contactId, firstResponseAt: null }, data: { firstResponseAt: now } });
    ctx.metrics.sends.inc({ status: next });
    await ctx.chat.publish(msg.conversationId, chatEventOf(msg)).catch(() => {}); // a chat open beside the SMS thread sees it too
    return { kind: "done", status: next };
  } catch (e) {
    const err = e instanceof ProviderError ? e : undefined;
    if (err?.code === "21610") {
      // opted out first, so nothing queued meanwhile slips through
      await recordOptOut(prisma, { businessId: msg.businessId, contactId: msg.contactId, reason: "carrier-21610" }, ctx.now());
      await prisma.message.update({ where: { id: msg.id }, data: { status: "failed", errorCode: "21610", errorMessage: err.message } });
      ctx.metrics.sends.inc({ status: "failed" });
      return { kind: "done", status: "failed" };
    }
    if (err && !err.retryable) {
      await prisma.message.update({
        where: { id: msg.id },
        data: { status: "failed", errorCode: err.code ?? String(err.httpStatus), errorMessage: err.message.slice(0, 500) },
      });
      ctx.metrics.sends.inc({ status: "failed" });
      return { kind: "done", status: "failed" };
    }
    // 429, 5xx, timeout, or our own bug: put it back for the next attempt.
    const error = e as Error;
    if (opts.lastAttempt) {
      await prisma.message.update({
        where: { id: msg.id },
        data: { status: "failed", errorCode: err?.code ?? (err?.httpStatus ? String(err.httpStatus) : "retries-exhausted"), errorMessage: error.message.slice(0, 500) },
      });
      ctx.metrics.sends.inc({ status: "failed" });
      return { kind: "done", status: "failed" };
    }
    await prisma.message.updateMany({
      where: { id: msg.id, status: "sending" },
      data: { status: "queued", errorCode: err?.code ?? (err?.httpStatus ? String(err.httpStatus) : "network"), errorMessage: error.message.slice(0, 500) },
    });
    ctx.metrics.sends.inc({ status: "retried" });
    return { kind: "retry", error };
  }
}

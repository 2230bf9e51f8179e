// The outbound half of the sweep: scheduled messages whose moment has come are released, rows
// whose delivery job was lost (Redis flushed) are re-queued, and sends cut off mid-call surface
// as `unknown` (never resent blindly).
import type { Ctx } from "../context.ts";
import { statusEventsSql } from "./set-message-status.ts";
import { laneOfPurpose } from "./lane-of-purpose.ts";
import { alertSendUnknown } from "./handle-send-failure.ts";

const SENDING_STUCK_MS = 2 * 60_000;
const LOST_AFTER_MS = 5_000;

export async function sweepOutbound(ctx: Ctx): Promise<{ released: number; requeued: number; unknown: number }> {
  const now = ctx.clock.now();
  // one statement: claim every due scheduled row and announce each
  const released = await ctx.sql<{ id: string; purpose: string | null }>(
    `WITH r AS (
       UPDATE "Message" SET "status" = 'queued', "holdReason" = NULL, "updatedAt" = $1
       WHERE "id" IN (SELECT "id" FROM "Message" WHERE "status" = 'scheduled' AND "sendAt" <= $1 ORDER BY "sendAt" LIMIT 500)
         AND "status" = 'scheduled'
       RETURNING "id", "businessId", "conversationId", "contactId", "purpose", "status", "errorCode"
     ), ev AS (${statusEventsSql("r", "$1")})
     SELECT "id", "purpose" FROM r`,
    [now.toISOString()],
  );
  const requeue = async (id: string, purpose: string | null) => {
    try {
      await ctx.queues.requeue("deliver-message", laneOfPurpose(purpose), id, { messageId: id });
    } catch (e) {
      ctx.log.warn({ messageId: id, err: (e as Error).message }, "delivery not queued now; the next sweep will");
    }
  };
  for (const m of released) await requeue(m.id, m.purpose);

  const queued = await ctx.prisma.message.findMany({
    where: { direction: "outbound", status: "queued", updatedAt: { lt: new Date(now.getTime() - LOST_AFTER_MS) } },
    select: { id: true, purpose: true },
    orderBy: { updatedAt: "asc" },
    take: 500,
  });
  for (const m of queued) await requeue(m.id, m.purpose); // same jobId while the job exists = no duplicate

  const stuck = await ctx.sql<{ id: string; businessId: string; conversationId: string; toNumber: string | null }>(
    `WITH u AS (
       UPDATE "Message" SET "status" = 'unknown', "errorCode" = 'outcome-unknown', "updatedAt" = $1
       WHERE "direction" = 'outbound' AND "status" = 'sending' AND COALESCE("attemptedAt", "updatedAt") < $2
       RETURNING "id", "businessId", "conversationId", "contactId", "toNumber", "status", "errorCode"
     ), ev AS (${statusEventsSql("u", "$1")})
     SELECT "id", "businessId", "conversationId", "toNumber" FROM u`,
    [now.toISOString(), new Date(now.getTime() - SENDING_STUCK_MS).toISOString()],
  );
  if (stuck.length) {
    ctx.metrics.sends.inc({ status: "unknown" }, stuck.length);
    ctx.log.error({ count: stuck.length }, "sends cut off mid-call marked unknown (not resent)");
    for (const m of stuck) await alertSendUnknown(ctx, { ...m, why: "the send was cut off mid-call" });
  }
  return { released: released.length, requeued: queued.length, unknown: stuck.length };
}

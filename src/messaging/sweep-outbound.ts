// The outbound half of the sweep: scheduled messages whose moment has come are released, rows
// whose delivery job was lost (Redis flushed) are re-queued, and sends cut off mid-call go back to
// their delivery job, which asks the provider before anything is resent (never blindly).
import type { Ctx } from "../context.ts";
import { statusEventsSql } from "./set-message-status.ts";
import { laneOfPurpose } from "./lane-of-purpose.ts";

const SENDING_STUCK_MS = 2 * 60_000;
const LOST_AFTER_MS = 5_000;

export async function sweepOutbound(ctx: Ctx): Promise<{ released: number; requeued: number; cutOff: number }> {
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

  // Sends cut off mid-call (a worker died between claiming and hearing back, and its job is gone
  // too): the delivery job runs again and asks the provider before anything is resent.
  const stuck = await ctx.prisma.message.findMany({
    where: {
      direction: "outbound",
      status: "sending",
      OR: [
        { attemptedAt: { lt: new Date(now.getTime() - SENDING_STUCK_MS) } },
        { attemptedAt: null, updatedAt: { lt: new Date(now.getTime() - SENDING_STUCK_MS) } },
      ],
    },
    select: { id: true, purpose: true },
    take: 500,
  });
  if (stuck.length) ctx.log.warn({ count: stuck.length }, "sends cut off mid-call: checking them with the provider");
  for (const m of stuck) await requeue(m.id, m.purpose);
  return { released: released.length, requeued: queued.length, cutOff: stuck.length };
}

import type { Ctx } from "../context.ts";

export const MAX_EVENT_ATTEMPTS = 8;

/** Re-queues stored events that were never processed (Redis flushed, producer could not reach it). */
export async function sweepInbound(ctx: Ctx): Promise<{ requeued: number; failed: number }> {
  const now = ctx.now().getTime();
  const failed = await ctx.prisma.inboundEvent.updateMany({
    where: { status: "pending", attempts: { gte: MAX_EVENT_ATTEMPTS } },
    data: { status: "failed" },
  });
  if (failed.count) ctx.log.error({ count: failed.count }, "inbound events failed after every retry; see InboundEvent.error");
  const pending = await ctx.prisma.inboundEvent.findMany({
    where: { status: "pending", receivedAt: { lt: new Date(now - 5_000) } },
    select: { id: true },
    orderBy: { receivedAt: "asc" },
    take: 500,
  });
  let requeued = 0;
  for (const e of pending) {
    try {
      await ctx.queues.enqueueInbound(e.id); // same jobId while the job exists = no duplicate
      requeued++;
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, "sweeper cannot reach Redis");
      break;
    }
  }
  return { requeued, failed: failed.count };
}

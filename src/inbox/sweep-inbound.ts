import type { Ctx } from "../context.ts";

/** Re-queues stored events that were never processed (Redis flushed, a failed job, a producer that could not reach it). */
export async function sweepInbound(ctx: Ctx, maxAttempts: number): Promise<{ requeued: number; failed: number }> {
  const now = ctx.clock.now().getTime();
  const failed = await ctx.prisma.inboundEvent.updateMany({
    where: { status: "pending", attempts: { gte: maxAttempts } },
    data: { status: "failed" },
  });
  if (failed.count) ctx.log.error({ count: failed.count }, "inbound events failed after every retry; see InboundEvent.error");
  const pending = await ctx.prisma.inboundEvent.findMany({
    where: { status: "pending", receivedAt: { lt: new Date(now - 5_000) } },
    select: { id: true, lane: true },
    orderBy: { receivedAt: "asc" },
    take: 500,
  });
  let requeued = 0;
  for (const e of pending) {
    try {
      await ctx.queues.requeue("process-inbound", e.lane === "urgent" ? "urgent" : "conversation", e.id, { eventId: e.id });
      requeued++;
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, "sweeper cannot reach Redis");
      break;
    }
  }
  return { requeued, failed: failed.count };
}

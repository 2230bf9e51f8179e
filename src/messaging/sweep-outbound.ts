import type { Ctx } from "../context.ts";
import { queueDelivery } from "./send-message.ts";

const SENDING_STUCK_MS = 2 * 60_000;

/** Re-queues outbound rows whose job was lost (Redis flushed) and surfaces sends cut off mid-call. */
export async function sweepOutbound(ctx: Ctx): Promise<{ requeued: number; unknown: number }> {
  const now = ctx.now().getTime();
  const queued = await ctx.prisma.message.findMany({
    where: { direction: "outbound", status: "queued", updatedAt: { lt: new Date(now - 5_000) } },
    select: { id: true },
    orderBy: { updatedAt: "asc" },
    take: 500,
  });
  for (const m of queued) await queueDelivery(ctx, m.id);
  const stuck = await ctx.prisma.message.updateMany({
    where: { direction: "outbound", status: "sending", updatedAt: { lt: new Date(now - SENDING_STUCK_MS) } },
    data: { status: "unknown", errorCode: "outcome-unknown" },
  });
  if (stuck.count) {
    ctx.metrics.sends.inc({ status: "unknown" }, stuck.count);
    ctx.log.error({ count: stuck.count }, "sends cut off mid-call marked unknown (not resent)");
  }
  return { requeued: queued.length, unknown: stuck.count };
}

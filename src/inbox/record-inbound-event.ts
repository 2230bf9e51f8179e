// Record once, by the provider's id, before the webhook is answered; then trigger processing.
import type { Ctx } from "../context.ts";
import { isUniqueViolation } from "../db/is-unique-violation.ts";

export interface InboundEventInput {
  provider: string;
  kind: string;
  externalId: string;
  businessId: string | null;
  payload: Record<string, unknown>;
  /** ignored: a number no business owns; processed: kept for lookups only (e.g. a screened call accepted) */
  finalStatus?: "ignored" | "processed";
}

export async function recordInboundEvent(ctx: Ctx, e: InboundEventInput): Promise<{ id: string | undefined; duplicate: boolean }> {
  let id: string;
  try {
    const row = await ctx.prisma.inboundEvent.create({
      data: {
        provider: e.provider,
        kind: e.kind,
        externalId: e.externalId,
        businessId: e.businessId,
        payload: e.payload as object,
        status: e.finalStatus ?? "pending",
      },
      select: { id: true },
    });
    id = row.id;
  } catch (err) {
    if (isUniqueViolation(err)) return { id: undefined, duplicate: true };
    throw err;
  }
  if (!e.finalStatus) {
    // Not awaited: the row is the promise. If Redis is down the sweeper queues it later.
    ctx.queues.enqueueInbound(id).catch((err: Error) => ctx.log.warn({ eventId: id, err: err.message }, "event not queued now; the sweeper will"));
  }
  return { id, duplicate: false };
}

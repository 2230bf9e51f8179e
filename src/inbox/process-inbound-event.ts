// The `process-inbound` job: turn one stored webhook into inbox rows and replies, through the
// handler its channel registered for the event's kind. Every step is idempotent (unique provider
// ids, dedupe keys, atomic claims), so a re-run after a crash is safe.
import type { Ctx } from "../context.ts";
import type { InboundHandlers, StoredEvent } from "./stored-event.ts";
import { preparedName } from "../db/prepared-name.ts";

/**
 * `stored`: the row as the webhook just stored it (pending), handed along by the job's first run;
 * without it the row is read, and one no longer pending is skipped.
 */
const PROCESSED_SQL = `UPDATE "InboundEvent" SET "status" = 'processed', "processedAt" = $2::timestamp, "error" = NULL WHERE "id" = $1 AND "status" = 'pending'`;

export async function processInboundEvent(
  ctx: Ctx,
  handlers: InboundHandlers,
  eventId: string,
  stored?: Omit<StoredEvent, "id">,
): Promise<"processed" | "skipped"> {
  // raw SQL, read and (below) marked: every text's answer and every missed call's text-back starts here
  const [row] = stored
    ? [{ id: eventId, ...stored, status: "pending" }]
    : await ctx.sql<{ id: string; kind: string; businessId: string | null; payload: Record<string, unknown>; receivedAt: Date; status: string }>(
        `SELECT "id", "kind", "businessId", "payload", "receivedAt", "status" FROM "InboundEvent" WHERE "id" = $1`,
        [eventId],
      );
  if (!row || row.status !== "pending") return "skipped";
  const event: StoredEvent = { id: row.id, kind: row.kind, businessId: row.businessId, payload: row.payload, receivedAt: row.receivedAt };
  try {
    await dispatch(ctx, handlers, event);
  } catch (e) {
    await ctx.prisma.inboundEvent.update({
      where: { id: eventId },
      data: { attempts: { increment: 1 }, error: String((e as Error).message).slice(0, 1000) },
    });
    throw e;
  }
  // The mark commits without waiting for the disk (Postgres): one fsync fewer beside every text's
  // answer. A Postgres crash loses it only together with whatever committed after it, and the event
  // is then merely processed again, as after a crash of this process (every step is idempotent).
  const processed = { text: PROCESSED_SQL, values: [eventId, ctx.clock.now().toISOString()], prepareAs: preparedName(PROCESSED_SQL) };
  if (ctx.sqlBatch.oneTrip) await ctx.sqlBatch([processed], { relaxed: true });
  else await ctx.sql(processed.text, processed.values, processed.prepareAs);
  return "processed";
}

async function dispatch(ctx: Ctx, handlers: InboundHandlers, event: StoredEvent): Promise<void> {
  const handler = Object.hasOwn(handlers, event.kind) ? handlers[event.kind] : undefined;
  if (!handler) throw new Error(`event ${event.id}: unknown kind ${event.kind}`);
  if (handler.business === "none") return handler.handle(ctx, event);
  const business = event.businessId ? await ctx.directory.byId(event.businessId) : undefined;
  if (!business) throw new Error(`event ${event.id}: business ${event.businessId} not found`);
  return handler.handle(ctx, event, business);
}

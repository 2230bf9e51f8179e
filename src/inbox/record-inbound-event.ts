// Record once, by the provider's id, before the webhook is answered; then trigger processing.
import type { Ctx } from "../context.ts";
import { laneOfEvent, type Lane } from "./lane-of-event.ts";
import { newId } from "../lib/new-id.ts";

export interface InboundEventInput {
  provider: string;
  kind: string;
  externalId: string;
  businessId: string | null;
  payload: Record<string, unknown>;
  /** ignored: a number no business owns; processed: kept for lookups only (e.g. a screened call accepted) */
  finalStatus?: "ignored" | "processed";
  /** urgent: a homeowner is waiting on it (see channels/lane-of-event.ts) */
  lane?: Lane;
}

export async function recordInboundEvent(ctx: Ctx, e: InboundEventInput): Promise<{ id: string | undefined; duplicate: boolean }> {
  // Hot path (every webhook): one round trip, and a duplicate is "no row returned", not an exception.
  const id = newId();
  const lane = e.lane ?? laneOfEvent(e.kind, e.payload);
  const rows = await ctx.sql<{ id: string }>(
    `INSERT INTO "InboundEvent" ("id", "businessId", "provider", "kind", "externalId", "payload", "status", "receivedAt", "lane")
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
     ON CONFLICT ("provider", "externalId") DO NOTHING
     RETURNING "id"`,
    [id, e.businessId, e.provider, e.kind, e.externalId, JSON.stringify(e.payload), e.finalStatus ?? "pending", ctx.clock.now().toISOString(), lane],
  );
  if (rows.length === 0) return { id: undefined, duplicate: true };
  if (!e.finalStatus) {
    // Not awaited: the row is the promise. If Redis is down the sweeper queues it later.
    ctx.queues.enqueueInbound(id, lane).catch((err: Error) => ctx.log.warn({ eventId: id, err: err.message }, "event not queued now; the sweeper will"));
  }
  return { id, duplicate: false };
}

// Record once, by the provider's id, before the webhook is answered; then trigger processing.
import type { Ctx } from "../context.ts";
import { laneOfEvent, type Lane } from "./lane-of-event.ts";
import { newId } from "../lib/new-id.ts";
import { insertInboundEvent } from "./insert-inbound-events.ts";
import { withTimeout } from "../lib/with-timeout.ts";

export interface InboundEventInput {
  provider: string;
  kind: string;
  externalId: string;
  businessId: string | null;
  payload: Record<string, unknown>;
  /** ignored: a number no business owns; processed: kept for lookups only (e.g. a screened call accepted) */
  finalStatus?: "ignored" | "processed";
  /** urgent: a homeowner is waiting on it (see lane-of-event.ts) */
  lane?: Lane;
  /** when it arrived, if not now (a journal replay) */
  receivedAt?: Date;
}

export async function recordInboundEvent(ctx: Ctx, e: InboundEventInput): Promise<{ id: string | undefined; duplicate: boolean }> {
  // Hot path (every webhook): one INSERT shared with the webhooks of the same turn, and a duplicate
  // is "not stored", not an exception.
  const id = newId();
  const lane = e.lane ?? laneOfEvent(e.kind, e.payload);
  const receivedAt = (e.receivedAt ?? ctx.clock.now()).toISOString();
  const stored = await insertInboundEvent(ctx.sql, {
    id,
    businessId: e.businessId,
    provider: e.provider,
    kind: e.kind,
    externalId: e.externalId,
    payload: JSON.stringify(e.payload),
    status: e.finalStatus ?? "pending",
    receivedAt,
    lane,
  });
  if (!stored) return { id: undefined, duplicate: true };
  if (!e.finalStatus) {
    // Not awaited: the row is the promise. If Redis is down the sweeper queues it later.
    // the job carries the row as stored: its first run does not read it back
    const event = { kind: e.kind, businessId: e.businessId, payload: e.payload, receivedAt };
    ctx.queues.enqueueInbound(id, lane, event).catch((err: Error) => ctx.log.warn({ eventId: id, err: err.message }, "event not queued now; the sweeper will"));
  }
  return { id, duplicate: false };
}

/** how long a webhook waits for Postgres before it is journaled locally instead */
export const STORE_DEADLINE_MS = 2000;

/**
 * The webhook door: store the event, or — when Postgres does not answer within the deadline —
 * append it to the local journal (fsync'd) so the 2xx we are about to send is a promise kept.
 */
export async function recordInboundEventOrJournal(
  ctx: Ctx,
  e: InboundEventInput,
  deadlineMs = STORE_DEADLINE_MS,
): Promise<{ id: string | undefined; duplicate: boolean; journaled: boolean }> {
  const receivedAt = e.receivedAt ?? ctx.clock.now();
  try {
    return { ...(await withTimeout(recordInboundEvent(ctx, { ...e, receivedAt }), deadlineMs, "storing the webhook")), journaled: false };
  } catch (err) {
    // The insert may still land later; the replay then finds it by provider id and adds nothing.
    ctx.journal.append({
      provider: e.provider,
      kind: e.kind,
      externalId: e.externalId,
      businessId: e.businessId,
      payload: e.payload,
      finalStatus: e.finalStatus,
      receivedAt: receivedAt.toISOString(),
    });
    ctx.log.warn({ err: (err as Error).message, externalId: e.externalId }, "webhook journaled locally; it goes to Postgres when it answers");
    return { id: undefined, duplicate: false, journaled: true };
  }
}

/** Replays the local journal into Postgres (a timer in every web process; a no-op when it is empty). */
export async function replayInboundJournal(ctx: Ctx): Promise<number> {
  if (ctx.journal.pending() === 0) return 0;
  const n = await ctx.journal.replay(async (j) => {
    await storeOrSkip(ctx, j, {
      provider: j.provider,
      kind: j.kind,
      externalId: j.externalId,
      businessId: j.businessId,
      payload: j.payload,
      ...(j.finalStatus ? { finalStatus: j.finalStatus } : {}),
      receivedAt: new Date(j.receivedAt),
    });
  });
  if (n) ctx.log.info({ replayed: n }, "journaled webhooks stored in Postgres");
  return n;
}

/**
 * A replayed entry the database refuses on its merits (say, its business was deleted since) is
 * logged and skipped; only "the database is still away" keeps the file for the next try.
 */
async function storeOrSkip(ctx: Ctx, j: { externalId: string }, e: InboundEventInput): Promise<void> {
  try {
    await recordInboundEvent(ctx, e);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const answered = typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57|53)/.test(code);
    if (!answered) throw err;
    ctx.log.error({ externalId: j.externalId, code, err: (err as Error).message }, "journaled webhook refused by the database; skipped");
  }
}

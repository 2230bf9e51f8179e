// Tells the office something it must act on (a text-back that came too late to send, a send whose
// outcome is unknown…): an Alert row, once per cause, and `alert.raised` on the event stream for
// whoever relays it (the Slack issue subscribes). Never blocks the caller's own work.
import type { Ctx } from "../context.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { emitEvent } from "../events/emit-event.ts";
import { newId } from "../lib/new-id.ts";

export interface AlertInput {
  businessId: string;
  /** late-textback | late-speed-to-lead | send-unknown | … */
  kind: string;
  /** one line, as a dispatcher would want to read it */
  message: string;
  /** the conversation (or message) it is about */
  subject?: string | undefined;
  /** one alert per cause, whatever retries happen */
  dedupeKey?: string | undefined;
  payload?: Record<string, unknown> | undefined;
}

/** True when the alert is new (false: this cause was already raised). */
export async function raiseAlert(ctx: Pick<Ctx, "prisma" | "clock" | "log">, a: AlertInput): Promise<boolean> {
  const at = ctx.clock.now();
  const id = newId();
  const created = await withTransaction(ctx.prisma, async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "Alert" ("id", "businessId", "kind", "message", "subject", "dedupeKey", "payload", "createdAt")
      VALUES (${id}, ${a.businessId}, ${a.kind}, ${a.message}, ${a.subject ?? null}, ${a.dedupeKey ?? null}, ${JSON.stringify(a.payload ?? {})}::jsonb, ${at})
      ON CONFLICT ("dedupeKey") DO NOTHING RETURNING "id"`;
    if (!rows[0]) return false;
    await emitEvent(tx, {
      businessId: a.businessId,
      type: "alert.raised",
      subject: a.subject ?? a.businessId,
      at,
      payload: { alertId: id, kind: a.kind, message: a.message, subject: a.subject ?? null },
    });
    return true;
  });
  if (created) ctx.log.warn({ businessId: a.businessId, kind: a.kind, subject: a.subject }, `office alert: ${a.message}`);
  return created;
}

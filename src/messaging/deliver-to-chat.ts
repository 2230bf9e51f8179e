import type { Ctx } from "../context.ts";
import type { DeliverOutcome } from "./deliver-outcome.ts";
import { setMessageStatus } from "./set-message-status.ts";
import { markFirstResponse } from "./mark-first-response.ts";

/** A web chat reply: the row is the delivery. The `message.status` event puts it on the visitor's open stream; a reconnect replays it. */
export async function deliverToChat(ctx: Ctx, msg: { id: string; contactId: string }): Promise<DeliverOutcome> {
  const now = ctx.clock.now();
  const moved = await setMessageStatus(ctx.sql, { messageId: msg.id, to: "delivered", from: ["queued"], sentAt: now, at: now });
  if (!moved) return { kind: "skip", reason: "claimed by another worker" };
  await markFirstResponse(ctx.sql, msg.contactId, now);
  ctx.metrics.sends.inc({ status: "delivered" });
  return { kind: "done", status: "delivered" };
}

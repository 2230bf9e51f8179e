// A Twilio status callback: the status only moves forward; 21610 means the recipient opted out.
import type { Ctx } from "../context.ts";
import { ZMessageStatus } from "./providers/twilio-message-status.ts";
import type { StoredEvent } from "../inbox/stored-event.ts";
import { recordOptOut } from "./record-opt-out.ts";
import { setMessageStatus } from "./set-message-status.ts";

export async function handleStatusCallback(ctx: Ctx, event: StoredEvent): Promise<void> {
  const p = ZMessageStatus.parse(event.payload);
  const messageId = typeof event.payload.messageId === "string" ? event.payload.messageId : undefined;
  // Our id rides in the callback URL, so a callback that beats the API response still matches.
  const msg = messageId
    ? await ctx.prisma.message.findUnique({ where: { id: messageId } })
    : await ctx.prisma.message.findUnique({ where: { providerId: p.MessageSid } });
  if (!msg || msg.direction !== "outbound") return;
  if (msg.providerId && msg.providerId !== p.MessageSid) return; // not this message's callback
  const status = p.MessageStatus === "partially_delivered" ? "delivered" : p.MessageStatus;
  await setMessageStatus(ctx.sql, {
    messageId: msg.id,
    to: status,
    providerId: p.MessageSid,
    ...(p.ErrorCode ? { errorCode: p.ErrorCode } : {}),
    at: ctx.clock.now(),
  });
  if (!msg.providerId) await ctx.prisma.message.updateMany({ where: { id: msg.id, providerId: null }, data: { providerId: p.MessageSid } });
  if (p.ErrorCode === "21610") await recordOptOut(ctx, { businessId: msg.businessId, contactId: msg.contactId, reason: "carrier-21610" });
}

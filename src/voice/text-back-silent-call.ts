// A caller the AI picked up for who hung up before saying anything is a missed call, exactly as
// before: the text-back (once per CallSid, within the caller's window) and the "Missed call" entry.
// Run when the socket closes and again at relay-end (whichever is first; the text's dedupe key
// makes it one).
import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { sendMissedCallTextBack } from "../channels/twilio/send-missed-call-text-back.ts";
import { recordInboundMessage } from "../inbox/record-inbound-message.ts";

/** The providerId prefix of the caller's utterances on a call. */
export const utterancePrefix = (callSid: string) => `relay-${callSid}-`;

export async function textBackSilentCall(ctx: Ctx, business: BusinessRef, callSid: string): Promise<"texted" | "spoke" | "no-call"> {
  const call = await ctx.prisma.call.findFirst({ where: { callSid, businessId: business.id }, include: { contact: { select: { phone: true } } } });
  if (!call?.conversationId) return "no-call";
  const said = await ctx.prisma.message.count({ where: { conversationId: call.conversationId, providerId: { startsWith: utterancePrefix(callSid) } } });
  if (said > 0) return "spoke";
  const at = ctx.clock.now();
  await sendMissedCallTextBack(ctx, {
    business,
    contactId: call.contactId,
    conversationId: call.conversationId,
    callSid,
    to: call.contact.phone ?? call.fromNumber,
    from: call.toNumber,
    receivedAt: at,
  });
  await ctx.prisma.call.update({ where: { id: call.id }, data: { status: "missed", missedReason: "hung-up-on-ai", aiOutcome: call.aiOutcome ?? "silent" } });
  await recordInboundMessage(ctx, {
    businessId: business.id,
    contact: { id: call.contactId },
    conversationId: call.conversationId,
    channel: "voice",
    providerId: `missed-${callSid}`,
    body: "Missed call",
    from: call.fromNumber,
    to: call.toNumber,
    at,
  });
  return "texted";
}

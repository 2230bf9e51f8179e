// voice (a call arrived) and dial-status (how the ring-through ended).
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { isUniqueViolation } from "../../db/map-db-error.ts";
import { captureNumberTouch } from "../../inbox/capture-touch.ts";
import { findOrCreateContact } from "../../inbox/find-or-create-contact.ts";
import { findOrOpenConversation } from "../../inbox/find-or-open-conversation.ts";
import { recordInboundMessage } from "../../inbox/record-inbound-message.ts";
import { toE164 } from "../../lib/phone.ts";
import { textUnlessLate } from "../../messaging/late-notice.ts";
import type { StoredEvent } from "../../inbox/stored-event.ts";
import { sendMissedCallTextBack } from "./send-missed-call-text-back.ts";
import { ZDialStatus, ZTwilioCall, type TTwilioCall } from "./twilio-schemas.ts";

export async function handleCall(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  const p = ZTwilioCall.parse(event.payload);
  const phone = toE164(p.From) ?? p.From;
  // The voice event has normally recorded the call already: one lookup instead of four.
  const call =
    (await ctx.prisma.call.findFirst({ where: { callSid: p.CallSid, businessId: business.id } })) ??
    (await recordCall(ctx, business, p, phone, event.receivedAt));

  // the AI voice agent took the call: its session decides about the text-back (none once the caller spoke)
  if (event.payload.relay === true) return;
  let missedReason: string | undefined;
  let dialStatus: string | undefined;
  if (event.kind === "voice") {
    missedReason = typeof event.payload.missedReason === "string" ? event.payload.missedReason : undefined;
  } else {
    dialStatus = ZDialStatus.parse(event.payload).DialCallStatus;
    if (event.payload.missed === true) missedReason = dialStatus;
    else {
      await ctx.prisma.call.update({ where: { id: call.id }, data: { status: "answered", dialStatus } });
      return;
    }
  }
  if (!missedReason || !call.conversationId) return;
  const conversationId = call.conversationId;
  await textUnlessLate(ctx, business, { kind: "textback", key: `textback-${p.CallSid}`, triggerAt: event.receivedAt, phone, conversationId }, () =>
    sendMissedCallTextBack(ctx, {
      business,
      contactId: call.contactId,
      conversationId,
      callSid: p.CallSid,
      to: phone,
      from: p.To,
      receivedAt: event.receivedAt,
    }),
  );
  await ctx.prisma.call.update({ where: { id: call.id }, data: { status: "missed", missedReason, ...(dialStatus ? { dialStatus } : {}) } });
  await recordInboundMessage(ctx.prisma, {
    businessId: business.id,
    contact: { id: call.contactId },
    conversationId: call.conversationId,
    channel: "voice",
    providerId: `missed-${p.CallSid}`,
    body: "Missed call",
    from: phone,
    to: p.To,
    at: event.receivedAt,
  });
}

/** The call's row (its contact and open conversation), made by whichever of the webhooks or the voice agent's socket sees the call first. */
export async function findOrRecordCall(ctx: Ctx, business: BusinessRef, c: { callSid: string; from: string; to: string; at: Date }) {
  const found = await ctx.prisma.call.findFirst({ where: { callSid: c.callSid, businessId: business.id } });
  if (found) return found;
  const p = { CallSid: c.callSid, From: c.from, To: c.to } as TTwilioCall;
  return recordCall(ctx, business, p, toE164(c.from) ?? c.from, c.at);
}

/** First sight of a call: its contact, open conversation, row, and (once per call) the touch. */
async function recordCall(ctx: Ctx, business: BusinessRef, p: TTwilioCall, phone: string, at: Date) {
  const { contact } = await findOrCreateContact(ctx.prisma, business.id, phone, at, { zip: p.FromZip, name: cleanCallerName(p.CallerName) });
  const { conversation } = await findOrOpenConversation(ctx.prisma, { businessId: business.id, contactId: contact.id, businessNumber: p.To, at });
  const { call, created } = await ensureCall(ctx, {
    businessId: business.id,
    contactId: contact.id,
    conversationId: conversation.id,
    callSid: p.CallSid,
    from: phone,
    to: p.To,
    at,
  });
  if (created) {
    // every call is a touch (the lead keeps the first), attributed to the tracking number called;
    // only the event that created the call records it, however the voice/dial-status events race
    await captureNumberTouch(ctx.prisma, business, { contactId: contact.id, conversationId: conversation.id, channel: "call", businessNumber: p.To, at });
  }
  return call;
}

/** Reached only after a lookup found no row: create, and let the unique CallSid settle a race. */
async function ensureCall(ctx: Ctx, c: { businessId: string; contactId: string; conversationId: string; callSid: string; from: string; to: string; at: Date }) {
  try {
    const call = await ctx.prisma.call.create({
      data: {
        businessId: c.businessId,
        contactId: c.contactId,
        conversationId: c.conversationId,
        callSid: c.callSid,
        fromNumber: c.from,
        toNumber: c.to,
        createdAt: c.at,
      },
    });
    return { call, created: true };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    return { call: await ctx.prisma.call.findUniqueOrThrow({ where: { callSid: c.callSid } }), created: false };
  }
}

/** Caller ID names like "WIRELESS CALLER" or a bare number are not names. */
function cleanCallerName(n: string | undefined): string | undefined {
  if (!n || /^(wireless caller|unknown|unavailable|anonymous|private|\+?[\d\s()-]+)$/i.test(n.trim())) return undefined;
  return n.trim();
}

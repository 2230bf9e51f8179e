// voice (a call arrived) and dial-status (how the ring-through ended).
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { captureNumberTouch } from "../../inbox/capture-touch.ts";
import { recordInboundMessage } from "../../inbox/record-inbound-message.ts";
import { toE164 } from "../../lib/phone.ts";
import { textUnlessLate } from "../../messaging/late-notice.ts";
import type { StoredEvent } from "../../inbox/stored-event.ts";
import { recordCallSql, type CallFacts, type RecordedCall } from "./record-call-sql.ts";
import { sendMissedCallTextBack } from "./send-missed-call-text-back.ts";
import { ZDialStatus, ZTwilioCall, type TTwilioCall } from "./twilio-schemas.ts";

/** the longest a text-back's bookkeeping waits behind other urgent work in this process */
const BOOKKEEPING_WAIT_MS = 250;

export async function handleCall(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  const p = ZTwilioCall.parse(event.payload);
  const phone = toE164(p.From) ?? p.From;
  // Whichever of the call's events comes first records it, in one statement; the touch (a
  // transaction) waits until after the text-back, which needs only the contact, conversation and call.
  const call = await recordCallSql(ctx.sql, callFacts(business, p, phone, event.receivedAt));
  try {
    await followCall(ctx, event, business, p, phone, call);
  } finally {
    if (call.created) {
      // bookkeeping: after this burst's texts (a no-op when this event's text-back demoted already)
      await ctx.gate.demote(BOOKKEEPING_WAIT_MS);
      await captureCallTouch(ctx, business, p, call, event.receivedAt);
    }
  }
}

async function followCall(ctx: Ctx, event: StoredEvent, business: BusinessRef, p: TTwilioCall, phone: string, call: RecordedCall): Promise<void> {
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
  // the caller has their text: the rest waits for the other callers' texts
  await ctx.gate.demote(BOOKKEEPING_WAIT_MS);
  await ctx.prisma.call.update({ where: { id: call.id }, data: { status: "missed", missedReason, ...(dialStatus ? { dialStatus } : {}) } });
  await ctx.gate.clear(BOOKKEEPING_WAIT_MS);
  await recordInboundMessage(ctx, {
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
  const p = { CallSid: c.callSid, From: c.from, To: c.to } as TTwilioCall;
  const call = await recordCallSql(ctx.sql, callFacts(business, p, toE164(c.from) ?? c.from, c.at));
  if (call.created) await captureCallTouch(ctx, business, p, call, c.at);
  return call;
}

function callFacts(business: BusinessRef, p: TTwilioCall, phone: string, at: Date): CallFacts {
  return { businessId: business.id, callSid: p.CallSid, phone, to: p.To, zip: p.FromZip ?? null, name: cleanCallerName(p.CallerName) ?? null, at };
}

/**
 * Every call is a touch (the lead keeps the first), attributed to the tracking number called; only
 * the event that created the call records it, however the voice/dial-status events race.
 */
async function captureCallTouch(ctx: Ctx, business: BusinessRef, p: TTwilioCall, call: RecordedCall, at: Date): Promise<void> {
  if (!call.conversationId) return;
  await captureNumberTouch(ctx.prisma, business, { contactId: call.contactId, conversationId: call.conversationId, channel: "call", businessNumber: p.To, at });
}

/** Caller ID names like "WIRELESS CALLER" or a bare number are not names. */
function cleanCallerName(n: string | undefined): string | undefined {
  if (!n || /^(wireless caller|unknown|unavailable|anonymous|private|\+?[\d\s()-]+)$/i.test(n.trim())) return undefined;
  return n.trim();
}

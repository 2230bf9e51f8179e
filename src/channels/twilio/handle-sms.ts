// An inbound SMS/MMS: into the inbox once (the one door in), keywords honoured, then answered.
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { renderTemplate } from "../../lib/render-template.ts";
import { answerChatInvitation } from "../webchat/answer-chat-invitation.ts";
import { requestAgentTurn } from "../../agent/request-agent-turn.ts";
import { numberSource } from "../../inbox/capture-touch.ts";
import { recordInboundMessage } from "../../inbox/record-inbound-message.ts";
import { toE164 } from "../../lib/phone.ts";
import { classifyKeyword } from "../../inbox/classify-keyword.ts";
import { recordOptIn, recordOptOut } from "../../messaging/record-opt-out.ts";
import { laneOfPurpose } from "../../messaging/lane-of-purpose.ts";
import { OPT_OUT_CONFIRMATION } from "../../messaging/record-outbound.ts";
import { queueDelivery, sendMessage } from "../../messaging/send-message.ts";
import type { StoredEvent } from "../../inbox/stored-event.ts";
import { ZTwilioSms, mediaOf } from "./twilio-schemas.ts";

export async function handleSms(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  const p = ZTwilioSms.parse(event.payload);
  const phone = toE164(p.From) ?? p.From;
  const media = mediaOf(p, p.NumMedia);
  const { contact, conversation, messageId } = await recordInboundMessage(ctx, {
    businessId: business.id,
    contact: { phone, zip: p.FromZip },
    channel: media.length ? "mms" : "sms",
    body: p.Body,
    media,
    providerId: p.MessageSid,
    from: phone,
    to: p.To,
    at: event.receivedAt,
    replyChannel: "sms",
    businessNumber: p.To,
    // a new conversation is a touch, attributed to the tracking number they texted
    touchIfOpened: { channel: "sms", source: numberSource(business, p.To, "sms") },
    // the event row is the durable record: the answer's own send commits synchronously before the
    // provider call, and that commit makes this one durable with it
    fromStoredEvent: true,
  });

  const keyword = classifyKeyword(p.Body);
  const change = { businessId: business.id, contactId: contact.id, reason: keyword?.kind ?? "keyword", text: p.Body.slice(0, 500) };
  // a reply to a "text me instead" invitation: STOP cancels it; its code (the whole text) joins the waiting chat
  if (keyword?.action !== "help" && !contact.optedOutAt) {
    const joined = await answerChatInvitation(ctx, business, {
      phone,
      body: p.Body,
      at: event.receivedAt,
      optOut: keyword?.action === "opt-out",
    });
    if (joined) {
      await requestAgentTurn(ctx, joined.conversationId, 0); // the joined conversation's turn
      return;
    }
  }
  if (keyword?.action === "opt-out") {
    // Twilio's opt-out handling confirms the STOP keywords itself: after those we make no API call.
    // A sentence it does not recognise gets our one confirmation, written with the opt-out (once).
    if (!contact.optedOutAt) {
      const body = renderTemplate(ctx.templates.optOutConfirmation, { business: business.profile.name });
      const confirm = keyword.kind === "natural-language" ? { confirm: { conversationId: conversation.id, to: phone, from: p.To, body } } : {};
      const { confirmationId } = await recordOptOut(ctx, { ...change, ...confirm });
      if (confirmationId) await queueDelivery(ctx, confirmationId, { lane: laneOfPurpose(OPT_OUT_CONFIRMATION) });
    }
    return;
  }
  if (keyword?.action === "opt-in") {
    if (contact.optedOutAt) await recordOptIn(ctx, change);
    return;
  }
  if (keyword?.action === "help") {
    await sendMessage(ctx, {
      businessId: business.id,
      conversationId: conversation.id,
      contactId: contact.id,
      to: phone,
      from: p.To,
      body: renderTemplate(business.profile.templates.help ?? ctx.templates.help, { business: business.profile.name }),
      author: "system",
      purpose: "help",
      kind: "reply",
      replyToAt: event.receivedAt,
      dedupeKey: `help-${p.MessageSid}`,
      immediate: true,
    });
    return;
  }
  // the answer comes from the agent: asked here, not through the event stream, so the turn starts
  // as soon as the message is stored (a re-run of this job asks again; the turn's claim dedupes;
  // the agent sweep answers a message whose request was lost)
  if (!keyword)
    await requestAgentTurn(ctx, conversation.id, business.profile.ai.debounceSeconds * 1000, { businessId: business.id, contactId: contact.id, messageId });
}

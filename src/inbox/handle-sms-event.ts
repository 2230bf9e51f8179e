import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { ZTwilioSms, mediaOf } from "../channels/twilio/twilio-schemas.ts";
import { isUniqueViolation } from "../db/is-unique-violation.ts";
import { toE164 } from "../lib/phone.ts";
import { classifyKeyword } from "../messaging/classify-keyword.ts";
import { recordOptIn, recordOptOut } from "../messaging/record-opt-out.ts";
import { sendMessage } from "../messaging/send-message.ts";
import { renderTemplate } from "../agent/render-template.ts";
import { respondToConversation } from "../agent/respond-to-conversation.ts";
import { findOrCreateContact } from "./find-or-create-contact.ts";
import { findOrOpenConversation } from "./find-or-open-conversation.ts";
import { captureTouch } from "./capture-touch.ts";
import type { StoredEvent } from "./process-inbound-event.ts";

/** An inbound SMS/MMS: into the inbox once, keywords honoured, then the conversation is answered. */
export async function handleSmsEvent(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  const p = ZTwilioSms.parse(event.payload);
  const phone = toE164(p.From) ?? p.From;
  const { contact } = await findOrCreateContact(ctx.prisma, business.id, phone, { zip: p.FromZip });
  const { conversation, opened } = await findOrOpenConversation(ctx.prisma, { businessId: business.id, contactId: contact.id, businessNumber: p.To, channel: "sms" });
  if (opened) {
    // a new conversation is a touch, attributed to the tracking number they texted
    const source = business.profile.numberSources[toE164(p.To) ?? p.To] ?? "sms";
    await captureTouch(ctx.prisma, { businessId: business.id, contactId: contact.id, conversationId: conversation.id, channel: "sms", source, attribution: {} });
  }

  const media = mediaOf(p, p.NumMedia);
  try {
    await ctx.prisma.message.create({
      data: {
        businessId: business.id,
        conversationId: conversation.id,
        contactId: contact.id,
        direction: "inbound",
        channel: media.length ? "mms" : "sms",
        author: "contact",
        body: p.Body,
        media: media.length ? media : undefined,
        status: "received",
        providerId: p.MessageSid,
        fromNumber: phone,
        toNumber: p.To,
        createdAt: event.receivedAt,
      },
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e; // already recorded by an earlier run: carry on from here
  }
  await ctx.prisma.conversation.update({ where: { id: conversation.id }, data: { lastMessageAt: event.receivedAt } });

  const keyword = classifyKeyword(p.Body);
  const change = { businessId: business.id, contactId: contact.id, reason: keyword?.kind ?? "keyword", text: p.Body.slice(0, 500) };
  if (keyword?.action === "opt-out") {
    // Twilio's opt-out handling sends the carrier confirmation; after STOP we make no API call at all.
    if (!contact.optedOutAt) await recordOptOut(ctx.prisma, change, ctx.now());
    return;
  }
  if (keyword?.action === "opt-in") {
    if (contact.optedOutAt) await recordOptIn(ctx.prisma, change, ctx.now());
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
      dedupeKey: `help-${p.MessageSid}`,
      immediate: true,
    });
    return;
  }
  if (contact.optedOutAt) return;
  await respondToConversation(ctx, { business, conversationId: conversation.id, trigger: `sms-${p.MessageSid}` });
}

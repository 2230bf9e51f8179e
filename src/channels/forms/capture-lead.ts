// A lead from a form or an ad: one contact (matched by phone, then email), one conversation, the
// lead with its first touch, consent on record, and — speed to lead — the first text at once.
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { attributionFromUrl } from "../../attribution/attribution-schema.ts";
import { deriveSource } from "../../attribution/derive-source.ts";
import { renderTemplate } from "../../lib/render-template.ts";
import { captureTouch } from "../../inbox/capture-touch.ts";
import { findOrOpenConversation } from "../../inbox/find-or-open-conversation.ts";
import { recordInboundMessage } from "../../inbox/record-inbound-message.ts";
import { openByPhone } from "../../inbox/open-by-phone-sql.ts";
import { resolveContact } from "../../inbox/resolve-contact.ts";
import { textUnlessLate } from "../../messaging/late-notice.ts";
import { sendMessage } from "../../messaging/send-message.ts";
import { firstNameOf } from "../../sequences/step-variables.ts";
import type { FormLead } from "./normalize-form-fields.ts";

export interface CaptureLeadInput {
  /** the id the webhook already answered with */
  leadId: string;
  eventId: string;
  /** form | google-ads | meta */
  channel: string;
  lead: FormLead;
  /** e.g. google-ads, facebook-ads (an ad platform is the source, whatever the UTM says) */
  explicitSource?: string | undefined;
  externalId?: string | undefined;
  isTest?: boolean | undefined;
  receivedAt: Date;
}

/** the longest a lead's bookkeeping waits behind other urgent work in this process */
const BOOKKEEPING_WAIT_MS = 250;

export async function captureLead(ctx: Ctx, business: BusinessRef, i: CaptureLeadInput): Promise<void> {
  const { lead } = i;
  const from = business.profile.phoneNumbers[0];
  const { contactId, conversationId } = await openLeadConversation(ctx, business.id, lead, from, i.receivedAt);
  const attribution = attributionFromUrl(lead.attribution);
  const details = {
    ...(lead.service ? { service: lead.service } : {}),
    ...(lead.message ? { message: lead.message } : {}),
    ...(lead.rawPhone ? { phoneAsTyped: lead.rawPhone } : {}),
    // for the office only: a name field that did not look like a name is never put in a text
    ...(lead.rawName ? { nameAsTyped: lead.rawName } : {}),
    ...(Object.keys(lead.extra).length ? { fields: lead.extra } : {}),
  };
  const canText = Boolean(lead.phone && from);
  if (canText && !i.isTest) {
    const late = { kind: "speed-to-lead" as const, key: `lead-${i.eventId}`, triggerAt: i.receivedAt, phone: lead.phone!, conversationId };
    // the lead, timeline and consent records follow the text
    await textUnlessLate(ctx, business, late, () =>
      sendMessage(ctx, {
        businessId: business.id,
        conversationId,
        contactId,
        to: lead.phone!,
        from: from!,
        body: renderTemplate(business.profile.templates.formFirstText ?? ctx.templates.formFirstText, {
          business: business.profile.name,
          first_name: firstNameOf(lead.name),
        }),
        author: "template",
        purpose: "speed-to-lead",
        // they just asked to be contacted: the first text answers that request
        kind: "reply",
        replyToAt: i.receivedAt,
        dedupeKey: `lead-${i.eventId}`,
        immediate: true,
      }),
    );
  } else {
    ctx.log.info(
      { leadId: i.leadId, businessId: business.id, test: Boolean(i.isTest) },
      canText ? "test lead: not texted" : "lead without a mobile number: flagged for the office",
    );
  }
  // the homeowner has their text: the lead, timeline and consent wait for the other leads' texts
  await ctx.gate.demote(BOOKKEEPING_WAIT_MS);
  // The lead row follows the text; captureTouch finds that text and takes it as the first response.
  await captureTouch(ctx.prisma, {
    businessId: business.id,
    contactId,
    conversationId,
    channel: i.channel,
    source: deriveSource({ explicit: i.explicitSource ?? lead.source, attribution, fallback: "website-form" }),
    attribution,
    leadId: i.leadId,
    externalId: i.externalId ?? lead.id,
    isTest: i.isTest,
    needsAttention: !canText,
    details,
    at: i.receivedAt,
  });
  await ctx.gate.clear(BOOKKEEPING_WAIT_MS);
  await recordInboundMessage(ctx, {
    businessId: business.id,
    contact: { id: contactId },
    conversationId,
    providerId: `lead:${i.eventId}`,
    channel: i.channel,
    body: summarize(i.channel, lead),
    from: lead.phone ?? lead.email ?? "",
    to: from ?? "",
    at: i.receivedAt,
  });
  await ctx.gate.clear(BOOKKEEPING_WAIT_MS);
  const recorded = await ctx.prisma.consent.findFirst({ where: { contactId, basis: i.channel, grantedAt: i.receivedAt }, select: { id: true } });
  if (lead.phone && !recorded) {
    // They asked to be contacted: that request is the consent basis for replying by text
    // (grantedAt = when they asked, before our text; the lookup above keeps a re-run from doubling it).
    await ctx.prisma.consent.create({
      data: {
        businessId: business.id,
        contactId,
        scope: lead.consent ? "marketing" : "transactional",
        basis: i.channel,
        wording: lead.consentText ?? (lead.consent ? "ticked the form's consent box" : "submitted a request to be contacted"),
        grantedAt: i.receivedAt,
      },
    });
  }
}

/** The lead's contact and open conversation: one statement for a phone (most leads), else the locked path. */
async function openLeadConversation(ctx: Ctx, businessId: string, lead: FormLead, from: string | undefined, at: Date) {
  if (lead.phone) {
    const email = lead.email?.trim().toLowerCase() || undefined;
    const fast = await openByPhone(ctx.sql, { businessId, phone: lead.phone, email, name: lead.name, zip: lead.zip, businessNumber: from, at });
    if (fast) return fast;
  }
  const contact = await resolveContact(ctx.prisma, { businessId, phone: lead.phone, email: lead.email, name: lead.name, zip: lead.zip }, at);
  const { conversation } = await findOrOpenConversation(ctx.prisma, {
    businessId,
    contactId: contact.id,
    businessNumber: from,
    ...(lead.phone ? { channel: "sms" as const } : {}),
    at,
  });
  return { contactId: contact.id, conversationId: conversation.id };
}

function summarize(channel: string, lead: FormLead): string {
  const label = channel === "google-ads" ? "Google Ads lead form" : channel === "meta" ? "Facebook lead form" : "Web form";
  const parts = [lead.service, lead.message].filter(Boolean).join(" - ");
  return `${label}: ${parts || "(no message)"}`.slice(0, 2000);
}

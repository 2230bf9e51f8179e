// Attribution: the contact's first lead keeps its first touch; every touch (later forms, ads,
// chats) is also kept as a Touch row, so "which source" questions have a full answer.
import type { Prisma } from "../db/open-database.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { emitEvent } from "../events/emit-event.ts";
import type { TAttribution } from "../attribution/attribution-schema.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { toE164 } from "../lib/phone.ts";
import { captureFirstTouchSql } from "./capture-touch-sql.ts";

export interface TouchInput {
  businessId: string;
  contactId: string;
  conversationId: string;
  channel: string;
  source: string;
  attribution: TAttribution;
  /** use this id for a new lead (forms answer with it before the lead row exists) */
  leadId?: string | undefined;
  externalId?: string | undefined;
  isTest?: boolean | undefined;
  needsAttention?: boolean | undefined;
  details?: Record<string, unknown> | undefined;
  at: Date;
}

export async function captureTouch(prisma: Prisma, t: TouchInput): Promise<{ leadId: string; newLead: boolean }> {
  return withTransaction(prisma, (tx) => captureInTx(tx, t), { retryUniqueViolation: true });
}

type Db = Parameters<Parameters<typeof withTransaction>[1]>[0];

async function captureInTx(prisma: Db, t: TouchInput): Promise<{ leadId: string; newLead: boolean }> {
  const a = t.attribution;
  const fields = {
    utmSource: a.utm?.source ?? null,
    utmMedium: a.utm?.medium ?? null,
    utmCampaign: a.utm?.campaign ?? null,
    utmTerm: a.utm?.term ?? null,
    utmContent: a.utm?.content ?? null,
    gclid: a.gclid ?? null,
    fbclid: a.fbclid ?? null,
    msclkid: a.msclkid ?? null,
    landingPage: a.landingPage ?? null,
    referrer: a.referrer ?? null,
    formId: a.formId ?? null,
    adId: a.adId ?? null,
  };
  const existing = await prisma.lead.findFirst({ where: { businessId: t.businessId, contactId: t.contactId }, orderBy: { createdAt: "asc" } });
  // A reply can beat the lead row when two events for one homeowner race: count it anyway.
  const answered = existing
    ? null
    : await prisma.message.findFirst({
        where: { contactId: t.contactId, direction: "outbound", sentAt: { not: null } },
        orderBy: { sentAt: "asc" },
        select: { sentAt: true },
      });
  const lead =
    existing ??
    (await prisma.lead.create({
      data: {
        ...(t.leadId ? { id: t.leadId } : {}),
        businessId: t.businessId,
        contactId: t.contactId,
        conversationId: t.conversationId,
        source: t.source,
        channel: t.channel,
        ...fields,
        campaignId: a.campaignId ?? null,
        externalId: t.externalId ?? null,
        isTest: t.isTest ?? false,
        needsAttention: t.needsAttention ?? false,
        details: (t.details ?? undefined) as object | undefined,
        firstResponseAt: answered?.sentAt ?? null,
        createdAt: t.at,
      },
    }));
  if (existing && (t.needsAttention || t.details)) {
    await prisma.lead.update({
      where: { id: existing.id },
      data: {
        ...(t.needsAttention ? { needsAttention: true } : {}),
        ...(t.details ? { details: { ...((existing.details as object | null) ?? {}), ...t.details } as object } : {}),
      },
    });
  }
  await prisma.touch.create({
    data: { businessId: t.businessId, contactId: t.contactId, leadId: lead.id, channel: t.channel, source: t.source, ...fields, createdAt: t.at },
  });
  if (!existing || t.needsAttention || t.details) {
    await emitEvent(prisma, {
      businessId: t.businessId,
      type: "lead.updated",
      subject: lead.conversationId ?? t.conversationId,
      at: t.at,
      payload: { leadId: lead.id, conversationId: lead.conversationId, contactId: t.contactId, stage: lead.stage, change: existing ? "details" : "created" },
    });
  }
  return { leadId: lead.id, newLead: !existing };
}

/** The source a call or text to this business number is attributed to (its tracking number's, else phone / sms). */
export function numberSource(business: BusinessRef, businessNumber: string, channel: "call" | "sms"): string {
  return business.profile.numberSources[toE164(businessNumber) ?? businessNumber] ?? (channel === "call" ? "phone" : "sms");
}

/** A call or text to one of the business's numbers: a touch attributed to that tracking number's source (one statement). */
export function captureNumberTouch(
  prisma: Prisma,
  business: BusinessRef,
  t: { contactId: string; conversationId: string; channel: "call" | "sms"; businessNumber: string; at: Date },
): Promise<{ leadId: string; newLead: boolean }> {
  return captureFirstTouchSql(prisma, {
    businessId: business.id,
    contactId: t.contactId,
    conversationId: t.conversationId,
    channel: t.channel,
    source: numberSource(business, t.businessNumber, t.channel),
    at: t.at,
  });
}

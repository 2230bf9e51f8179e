// Attribution: the contact's first lead keeps its first touch; every touch (later forms, ads,
// chats) is also kept as a Touch row, so "which source" questions have a full answer.
import type { Prisma } from "../db/open-database.ts";
import type { RawDb } from "../db/raw-sql-of.ts";
import type { TAttribution } from "../attribution/attribution-schema.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { toE164 } from "../lib/phone.ts";
import { captureTouchSql, type TouchRow } from "./capture-touch-sql.ts";
import type { ContactKey } from "./contact-key.ts";

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

/** One statement (capture-touch-sql.ts): on its own, or inside the caller's transaction (Prisma's or raw SQL's). */
export async function captureTouch(db: RawDb, t: TouchInput): Promise<{ leadId: string; newLead: boolean }> {
  return captureTouchSql(db, touchRowOf(t, { id: t.contactId }));
}

/** The touch's row (its attribution spread over the columns), for the contact of that id or phone. */
export function touchRowOf(t: Omit<TouchInput, "contactId">, contact: ContactKey): TouchRow {
  const a = t.attribution;
  return {
    businessId: t.businessId,
    contact,
    conversationId: t.conversationId,
    channel: t.channel,
    source: t.source,
    fields: {
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
    },
    campaignId: a.campaignId ?? null,
    leadId: t.leadId ?? null,
    externalId: t.externalId ?? null,
    isTest: t.isTest ?? false,
    needsAttention: t.needsAttention ?? false,
    details: t.details ?? null,
    at: t.at,
  };
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
  return captureTouch(prisma, {
    businessId: business.id,
    contactId: t.contactId,
    conversationId: t.conversationId,
    channel: t.channel,
    source: numberSource(business, t.businessNumber, t.channel),
    attribution: {},
    at: t.at,
  });
}

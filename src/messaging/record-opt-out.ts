// Opt-out and opt-in, with the who/how/when log carriers and the FCC expect.
import type { Prisma } from "../db/open-database.ts";

export interface OptChange {
  businessId: string;
  contactId: string;
  /** keyword | natural-language | carrier-21610 | admin */
  reason: string;
  text?: string;
}

/** Opts the contact out: no text is sent to them again, and anything still queued is blocked. */
export async function recordOptOut(prisma: Prisma, c: OptChange, now = new Date()): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.contact.updateMany({ where: { id: c.contactId, businessId: c.businessId, optedOutAt: null }, data: { optedOutAt: now } });
    await tx.optOutEvent.create({ data: { businessId: c.businessId, contactId: c.contactId, action: "opt-out", reason: c.reason, text: c.text ?? null } });
    await tx.consent.updateMany({ where: { contactId: c.contactId, businessId: c.businessId, revokedAt: null }, data: { revokedAt: now } });
    await tx.message.updateMany({
      where: { contactId: c.contactId, businessId: c.businessId, status: "queued" },
      data: { status: "blocked", errorCode: "opted-out" },
    });
  });
}

/** Opts the contact back in (START / UNSTOP / YES) and records consent to be texted. */
export async function recordOptIn(prisma: Prisma, c: OptChange, now = new Date()): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.contact.updateMany({ where: { id: c.contactId, businessId: c.businessId }, data: { optedOutAt: null } });
    await tx.optOutEvent.create({ data: { businessId: c.businessId, contactId: c.contactId, action: "opt-in", reason: c.reason, text: c.text ?? null } });
    await tx.consent.create({
      data: { businessId: c.businessId, contactId: c.contactId, scope: "transactional", basis: "keyword", wording: c.text ?? null, grantedAt: now },
    });
  });
}

import type { Prisma } from "../db/open-database.ts";
import { isUniqueViolation } from "../db/map-db-error.ts";

/** The business's contact for a phone number, created if new; race-safe (unique per business). */
export async function findOrCreateContact(
  prisma: Prisma,
  businessId: string,
  phone: string,
  at: Date,
  extra: { zip?: string | undefined; name?: string | undefined } = {},
) {
  const existing = await prisma.contact.findUnique({ where: { businessId_phone: { businessId, phone } } });
  if (existing) return { contact: existing, created: false };
  try {
    const contact = await prisma.contact.create({ data: { businessId, phone, zip: extra.zip ?? null, name: extra.name ?? null, createdAt: at } });
    return { contact, created: true };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const contact = await prisma.contact.findUniqueOrThrow({ where: { businessId_phone: { businessId, phone } } });
    return { contact, created: false };
  }
}

import type { Prisma } from "../db/open-database.ts";

/** The contact's lead, created on first touch with its source; later touches keep the first source. */
export async function ensureLead(prisma: Prisma, l: { businessId: string; contactId: string; conversationId: string; source: string; channel: string }) {
  const existing = await prisma.lead.findFirst({ where: { businessId: l.businessId, contactId: l.contactId }, orderBy: { createdAt: "asc" } });
  if (existing) return existing;
  return prisma.lead.create({ data: l });
}

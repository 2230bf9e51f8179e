import type { Prisma } from "../db/open-database.ts";
import { isUniqueViolation } from "../db/map-db-error.ts";
import type { Tx } from "../db/with-transaction.ts";

/** The contact's open conversation, opened if there is none (one open per contact, enforced in SQL). */
export async function findOrOpenConversation(
  prisma: Prisma,
  c: { businessId: string; contactId: string; businessNumber?: string | undefined; channel?: "sms" | "webchat" | undefined; at: Date },
) {
  const where = { businessId: c.businessId, contactId: c.contactId, status: "open" };
  const existing = await prisma.conversation.findFirst({ where });
  if (existing) {
    // replies go where the homeowner last reached us, from the number they used
    const change = {
      ...(c.businessNumber && existing.businessNumber !== c.businessNumber ? { businessNumber: c.businessNumber } : {}),
      ...(c.channel && existing.channel !== c.channel ? { channel: c.channel } : {}),
    };
    if (Object.keys(change).length) return { conversation: await prisma.conversation.update({ where: { id: existing.id }, data: change }), opened: false };
    return { conversation: existing, opened: false };
  }
  try {
    const conversation = await prisma.conversation.create({
      data: { businessId: c.businessId, contactId: c.contactId, businessNumber: c.businessNumber ?? null, channel: c.channel ?? "sms", createdAt: c.at },
    });
    return { conversation, opened: true };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    return { conversation: await prisma.conversation.findFirstOrThrow({ where }), opened: false };
  }
}

/** The same inside a transaction that holds the contact's lock (no race to settle, so no unique-violation catch). */
export async function findOrOpenConversationTx(tx: Tx, c: { businessId: string; contactId: string; businessNumber: string | null; at: Date }) {
  return (
    (await tx.conversation.findFirst({ where: { businessId: c.businessId, contactId: c.contactId, status: "open" } })) ??
    (await tx.conversation.create({
      data: { businessId: c.businessId, contactId: c.contactId, channel: "sms", businessNumber: c.businessNumber, createdAt: c.at },
    }))
  );
}

// Slots shown to a homeowner in a conversation: book_appointment (requireOffered) accepts only these,
// and the reply guard lets the agent name only these times. Recording twice is harmless.
import type { Prisma } from "../db/open-database.ts";
import type { Tx } from "../db/with-transaction.ts";
import type { Slot } from "./compute-slots.ts";

export async function recordOfferedSlots(
  db: Tx | Prisma,
  o: { businessId: string; conversationId: string; serviceKey: string; slots: readonly Pick<Slot, "startAt" | "endAt">[]; at: Date },
): Promise<void> {
  if (o.slots.length === 0) return;
  await db.offeredSlot.createMany({
    data: o.slots.map((s) => ({
      businessId: o.businessId,
      conversationId: o.conversationId,
      serviceKey: o.serviceKey,
      startAt: s.startAt,
      endAt: s.endAt,
      offeredAt: o.at,
    })),
    skipDuplicates: true,
  });
}

// Two contact rows turned out to be one homeowner (a chat, then a form with the same phone):
// everything moves to `intoId` and the two timelines become one conversation.
import type { Tx } from "../db/with-transaction.ts";
import { foldConversation } from "./fold-conversation.ts";
import { contactTables, reassignRows } from "./reassign-rows.ts";

/** Call inside a transaction that has locked both identities (see resolveContact). */
export async function mergeContacts(tx: Tx, businessId: string, fromId: string, intoId: string): Promise<void> {
  if (fromId === intoId) return;
  const [from, into] = await Promise.all([
    tx.contact.findFirstOrThrow({ where: { id: fromId, businessId } }),
    tx.contact.findFirstOrThrow({ where: { id: intoId, businessId } }),
  ]);
  const fromOpen = await tx.conversation.findFirst({ where: { contactId: fromId, status: "open" } });
  const intoOpen = await tx.conversation.findFirst({ where: { contactId: intoId, status: "open" } });
  if (fromOpen && intoOpen) await foldConversation(tx, fromOpen, intoOpen);
  await reassignRows(contactTables(tx), "contactId", fromId, intoId);
  await tx.contact.delete({ where: { id: fromId } });
  // One homeowner, one lead: the first touch's lead stays; the other's touches move onto it.
  const leads = await tx.lead.findMany({ where: { contactId: intoId }, orderBy: { createdAt: "asc" } });
  const [kept, ...others] = leads;
  if (kept && others.length) {
    const firstResponse = leads
      .map((l) => l.firstResponseAt)
      .filter((d): d is Date => d !== null)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    await tx.touch.updateMany({ where: { leadId: { in: others.map((l) => l.id) } }, data: { leadId: kept.id } });
    await tx.lead.deleteMany({ where: { id: { in: others.map((l) => l.id) } } });
    await tx.lead.update({
      where: { id: kept.id },
      data: { firstResponseAt: firstResponse ?? null, needsAttention: kept.needsAttention && others.every((l) => l.needsAttention) },
    });
  }
  await tx.contact.update({
    where: { id: intoId },
    data: {
      name: into.name ?? from.name,
      email: into.email ?? from.email,
      zip: into.zip ?? from.zip,
      phone: into.phone ?? from.phone,
      // an opt-out on either row stands
      optedOutAt: into.optedOutAt ?? from.optedOutAt,
    },
  });
}

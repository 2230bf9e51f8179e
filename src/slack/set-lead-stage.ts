// A dispatcher's verdict on a lead (booked, lost, spam) from the card: the stage and its
// `lead.updated` in one transaction. Spam also closes the conversation, so the AI stops answering.
import type { Ctx } from "../context.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { emitEvent } from "../events/emit-event.ts";

/** false: no lead to mark (or not this business's conversation) */
export async function setLeadStage(ctx: Ctx, a: { businessId: string; conversationId: string; stage: "booked" | "lost" | "spam" }): Promise<boolean> {
  const at = ctx.clock.now();
  return withTransaction(ctx.prisma, async (tx) => {
    const conv = await tx.conversation.findFirst({ where: { id: a.conversationId, businessId: a.businessId }, select: { contactId: true } });
    if (!conv) return false;
    const lead =
      (await tx.lead.findFirst({ where: { businessId: a.businessId, conversationId: a.conversationId }, orderBy: { createdAt: "asc" } })) ??
      (await tx.lead.findFirst({ where: { businessId: a.businessId, contactId: conv.contactId }, orderBy: { createdAt: "asc" } }));
    if (!lead) return false;
    if (a.stage === "spam") await tx.conversation.update({ where: { id: a.conversationId }, data: { status: "closed" } });
    if (lead.stage === a.stage) return true;
    await tx.lead.update({ where: { id: lead.id }, data: { stage: a.stage } });
    await emitEvent(tx, {
      businessId: a.businessId,
      type: "lead.updated",
      subject: a.conversationId,
      at,
      payload: { leadId: lead.id, conversationId: a.conversationId, contactId: conv.contactId, stage: a.stage, change: "stage" },
    });
    return true;
  });
}

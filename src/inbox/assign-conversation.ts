// Who answers a conversation: the AI or a person. The change and its `conversation.assigned`
// event are one transaction, so the agent, the Slack card and the console never disagree.
import type { Ctx } from "../context.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { emitEvent } from "../events/emit-event.ts";

/** True when the conversation changed hands (false: it was already so, or is not this business's). */
export async function assignConversation(
  ctx: Pick<Ctx, "prisma" | "clock">,
  a: { businessId: string; conversationId: string; handledBy: "ai" | "human"; by: string },
): Promise<boolean> {
  const at = ctx.clock.now();
  return withTransaction(ctx.prisma, async (tx) => {
    const moved = await tx.conversation.updateMany({
      where: { id: a.conversationId, businessId: a.businessId, handledBy: { not: a.handledBy } },
      data: { handledBy: a.handledBy },
    });
    if (moved.count === 0) return false;
    const c = await tx.conversation.findUniqueOrThrow({ where: { id: a.conversationId }, select: { contactId: true } });
    await emitEvent(tx, {
      businessId: a.businessId,
      type: "conversation.assigned",
      subject: a.conversationId,
      at,
      payload: { conversationId: a.conversationId, contactId: c.contactId, handledBy: a.handledBy, by: a.by },
    });
    return true;
  });
}

// A button on a lead card, in the job: Take over / Resume AI move the conversation between the AI
// and a person; Mark booked / lost / spam set the lead's stage. The card itself is redrawn by the
// mirror from the events these emit. Scoped to the business whose channel the click came from.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { requestAgentTurn } from "../agent/request-agent-turn.ts";
import { assignConversation } from "../inbox/assign-conversation.ts";
import { CARD_ACTIONS } from "./build-lead-card.ts";
import { ZStoredCardClick } from "./slack-payloads.ts";
import { setLeadStage } from "./set-lead-stage.ts";

export async function runCardAction(ctx: Ctx, business: BusinessRef, payload: unknown): Promise<boolean> {
  const click = ZStoredCardClick.parse(payload);
  const conv = await ctx.prisma.conversation.findFirst({ where: { id: click.conversationId, businessId: business.id }, select: { id: true } });
  if (!conv) return false; // a card of another business, or a forged value
  const name = (await ctx.slack?.userName(click.userId)) ?? click.userName ?? click.userId;
  const by = `slack:${name}`;
  const scope = { businessId: business.id, conversationId: conv.id };
  switch (click.action) {
    case CARD_ACTIONS.takeOver:
      return assignConversation(ctx, { ...scope, handledBy: "human", by });
    case CARD_ACTIONS.resumeAi: {
      const moved = await assignConversation(ctx, { ...scope, handledBy: "ai", by });
      // anything the homeowner wrote while a person had it gets its answer now
      if (moved) await requestAgentTurn(ctx, conv.id, 0);
      return moved;
    }
    case CARD_ACTIONS.markBooked:
      return setLeadStage(ctx, { ...scope, stage: "booked" });
    case CARD_ACTIONS.markLost:
      return setLeadStage(ctx, { ...scope, stage: "lost" });
    case CARD_ACTIONS.spam:
      return setLeadStage(ctx, { ...scope, stage: "spam" });
    default:
      return false;
  }
}

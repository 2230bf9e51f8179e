// The agent plugs into the event stream: every inbound web-chat message asks for a debounced turn.
// A durable subscriber, so messages that arrived while no worker ran still get their turn, in
// order. An SMS/MMS asks from its own inbound job (handle-sms), which is retried until it is done,
// so its turn does not wait for the stream.
import type { Ctx } from "../context.ts";
import type { DomainEvent } from "../events/domain-event.ts";
import { requestAgentTurn } from "./request-agent-turn.ts";

const ASKS_FOR_A_TURN = ["webchat"];

export async function startAgent(ctx: Ctx): Promise<() => Promise<void>> {
  return ctx.events.subscribe({
    name: "agent",
    durable: true,
    types: ["message.added"],
    async handle(e: DomainEvent) {
      const p = e.payload as { direction: string; channel: string; conversationId: string; messageId?: string; contactId?: string };
      if (p.direction !== "inbound" || !ASKS_FOR_A_TURN.includes(p.channel)) return;
      const business = await ctx.directory.byId(e.businessId);
      if (!business) return;
      const hint = p.messageId && p.contactId ? { businessId: business.id, contactId: p.contactId, messageId: p.messageId } : undefined;
      await requestAgentTurn(ctx, p.conversationId, business.profile.ai.debounceSeconds * 1000, hint);
    },
  });
}

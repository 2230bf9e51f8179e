// The lead card redrawn in place (chat.update) from current facts, as the lead moves.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { buildLeadCard } from "./build-lead-card.ts";
import { ensureThread, type SlackThread } from "./ensure-thread.ts";
import { loadLeadCard } from "./load-lead-card.ts";
import type { SlackApi } from "./slack-api.ts";

/** Replaces the card with current facts (the thread is started when there is none). */
export async function refreshLeadCard(ctx: Ctx, slack: SlackApi, business: BusinessRef, conversationId: string): Promise<SlackThread | undefined> {
  const thread = await ensureThread(ctx, slack, business, conversationId);
  if (!thread || thread.created) return thread;
  const card = await loadLeadCard(ctx, business, conversationId);
  if (card) await slack.update(thread.channel, thread.ts, buildLeadCard(card));
  return thread;
}

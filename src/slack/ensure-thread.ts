// A conversation's thread in the business's channel: found on the conversation row, or started by
// posting its lead card once (the ts is stored at once, so the next event threads under it).
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { buildLeadCard } from "./build-lead-card.ts";
import { loadLeadCard } from "./load-lead-card.ts";
import { postOnce } from "./post-once.ts";
import type { SlackApi } from "./slack-api.ts";

export interface SlackThread {
  channel: string;
  ts: string;
  /** the card was posted just now (fresh: no update needed) */
  created: boolean;
}

export async function ensureThread(ctx: Ctx, slack: SlackApi, business: BusinessRef, conversationId: string): Promise<SlackThread | undefined> {
  const channel = business.profile.slack?.channel;
  if (!channel) return undefined;
  const conv = await ctx.prisma.conversation.findFirst({
    where: { id: conversationId, businessId: business.id },
    select: { slackChannel: true, slackThreadTs: true },
  });
  if (!conv) return undefined;
  // a thread in a channel the profile no longer names is left behind: the lead starts over in the new one
  if (conv.slackThreadTs && conv.slackChannel === channel) return { channel, ts: conv.slackThreadTs, created: false };
  const card = await loadLeadCard(ctx, business, conversationId);
  if (!card) return undefined;
  const root = await postOnce(ctx, slack, { key: `slack:thread:${conversationId}:${channel}`, businessId: business.id, channel, post: buildLeadCard(card) });
  if (!root) return undefined;
  await ctx.prisma.conversation.update({ where: { id: conversationId }, data: { slackChannel: channel, slackThreadTs: root.ts } });
  return { channel, ts: root.ts, created: root.posted };
}

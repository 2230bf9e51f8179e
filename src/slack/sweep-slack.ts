// The Slack part of the sweep (a timer in every worker process): each business's morning digest
// and its leads waiting for a person. One business's failure does not stop the others; the next
// sweep tries again.
import type { Ctx } from "../context.ts";
import { alertUnansweredLeads } from "./alert-unanswered-leads.ts";
import { postDailyDigest } from "./post-daily-digest.ts";

export async function sweepSlack(ctx: Ctx): Promise<{ digests: number; unanswered: number }> {
  const out = { digests: 0, unanswered: 0 };
  const slack = ctx.slack;
  if (!slack) return out;
  const ids = await ctx.prisma.business.findMany({ select: { id: true } });
  for (const { id } of ids) {
    const business = await ctx.directory.byId(id);
    if (!business?.profile.slack) continue;
    try {
      out.unanswered += await alertUnansweredLeads(ctx, business);
      if (await postDailyDigest(ctx, slack, business)) out.digests++;
    } catch (e) {
      ctx.log.warn({ businessId: id, err: (e as Error).message }, "Slack sweep failed for a business; the next sweep retries");
    }
  }
  return out;
}

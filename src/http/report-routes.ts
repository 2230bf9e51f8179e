// GET /api/admin/businesses/:slug/reports?from=&to= — what the owner asks: how fast do we answer,
// and which sources bring leads. Mounted under requireAdmin (admin-routes.ts): a per-business token
// sees only its own business's report. (Booked/won/revenue and reviews fill in as those features land.)
import { Router, type Request, type Response } from "express";
import type { Ctx } from "../context.ts";
import { summarizeFirstResponses } from "../reports/summarize-first-responses.ts";
import { resolveBusinessDays } from "./business-days.ts";

export function reportRoutes(ctx: Ctx): Router {
  const r = Router();
  r.get("/api/admin/businesses/:slug/reports", async (req: Request, res: Response) => {
    const { business, zone, from, to, range } = await resolveBusinessDays(ctx, req, res, (today) => ({ from: today.minus({ days: 29 }), to: () => today }));
    const leads = await ctx.prisma.lead.findMany({
      where: { businessId: business.id, isTest: false, createdAt: range },
      select: { source: true, createdAt: true, firstResponseAt: true, stage: true },
    });
    const calls = await ctx.prisma.call.findMany({ where: { businessId: business.id, createdAt: range, status: "missed" }, select: { callSid: true } });
    const textedBack = await ctx.prisma.message.count({
      where: {
        businessId: business.id,
        purpose: "textback",
        dedupeKey: { in: calls.map((c) => `textback-${c.callSid}`) },
        status: { in: ["accepted", "sent", "delivered", "read"] },
      },
    });
    const { overall, bySource } = summarizeFirstResponses(leads);
    res.json({
      business: business.slug,
      timezone: zone,
      from: from.toISODate(),
      to: to.toISODate(),
      speedToLead: {
        leads: overall.leads,
        responded: overall.responded,
        medianSeconds: overall.medianFirstResponseSeconds,
        p90Seconds: overall.p90FirstResponseSeconds,
      },
      missedCalls: { missed: calls.length, textedBack },
      bySource: bySource.map((s) => ({ ...s, revenue: 0 })),
      reviews: { requested: 0, clicked: 0 },
    });
  });
  return r;
}

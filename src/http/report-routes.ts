// GET /api/admin/businesses/:slug/reports?from=&to= — what the owner asks: how fast do we answer,
// and which sources bring leads. Mounted under requireAdmin (admin-routes.ts): a per-business token
// sees only its own business's report. Revenue is what invoice.paid work events (/webhooks/events)
// received in the period carried, per source of the lead each is attributed to ("unattributed" without one).
// speedToLead.series is speed to lead over time: a point per day of the business's zone for ranges up
// to 62 days, per ISO week (dated by its Monday) up to 3 years, then per month, then per year
// (speedToLead.bucket says which); every period of the range is there, an empty one with 0 leads.
import { Router, type Request, type Response } from "express";
import type { TReport } from "../console/console-schemas.ts";
import type { Ctx } from "../context.ts";
import { addRevenueBySource, type SourceRevenue } from "../reports/add-revenue-by-source.ts";
import { summarizeFirstResponses } from "../reports/summarize-first-responses.ts";
import { summarizeSpeedOverTime } from "../reports/summarize-speed-over-time.ts";
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
    const revenue = await ctx.prisma.$queryRaw<SourceRevenue[]>`
      SELECT COALESCE(l."source", 'unattributed') AS "source", SUM(w."amountCents")::float8 AS "cents"
      FROM "WorkEvent" w LEFT JOIN "Lead" l ON l."id" = w."leadId"
      WHERE w."businessId" = ${business.id} AND w."type" = 'invoice.paid' AND w."amountCents" IS NOT NULL
        AND w."receivedAt" >= ${range.gte} AND w."receivedAt" < ${range.lt}
      GROUP BY 1`;
    const reviewsRequested = await ctx.prisma.reviewLink.count({ where: { businessId: business.id, createdAt: range } });
    const reviewsClicked = await ctx.prisma.reviewLink.count({ where: { businessId: business.id, firstClickedAt: range } });
    const { overall, bySource } = summarizeFirstResponses(leads);
    const overTime = summarizeSpeedOverTime(leads, { zone, from: from.toISODate()!, to: to.toISODate()! });
    const revenueCents = revenue.reduce((n, r) => n + r.cents, 0);
    const speedToLead: TReport["speedToLead"] = {
      leads: overall.leads,
      responded: overall.responded,
      medianSeconds: overall.medianFirstResponseSeconds,
      p90Seconds: overall.p90FirstResponseSeconds,
      bucket: overTime.bucket,
      series: overTime.series,
    };
    res.json({
      business: business.slug,
      timezone: zone,
      from: from.toISODate(),
      to: to.toISODate(),
      speedToLead,
      missedCalls: { missed: calls.length, textedBack },
      revenue: revenueCents / 100,
      revenueCents,
      bySource: addRevenueBySource(bySource, revenue),
      reviews: { requested: reviewsRequested, clicked: reviewsClicked },
    });
  });
  return r;
}

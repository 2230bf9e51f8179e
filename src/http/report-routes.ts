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
import { readSpeedToLead } from "../reports/read-speed-to-lead.ts";
import { resolveBusinessDays } from "./business-days.ts";

export function reportRoutes(ctx: Ctx): Router {
  const r = Router();
  r.get("/api/admin/businesses/:slug/reports", async (req: Request, res: Response) => {
    const { business, zone, from, to, range } = await resolveBusinessDays(ctx, req, res, (today) => ({ from: today.minus({ days: 29 }), to: () => today }));
    const speed = readSpeedToLead(ctx, { businessId: business.id, zone, from: from.toISODate()!, to: to.toISODate()!, range });
    // a missed call counts as texted back when its text-back (dedupeKey textback-<CallSid>, unique) went out
    const missedCalls = ctx.prisma.$queryRaw<{ missed: number; textedBack: number }[]>`
      SELECT count(*)::int AS "missed", count(m."id")::int AS "textedBack"
      FROM "Call" c LEFT JOIN "Message" m ON m."dedupeKey" = 'textback-' || c."callSid" AND m."businessId" = c."businessId"
        AND m."purpose" = 'textback' AND m."status" IN ('accepted', 'sent', 'delivered', 'read')
      WHERE c."businessId" = ${business.id} AND c."status" = 'missed' AND c."createdAt" >= ${range.gte} AND c."createdAt" < ${range.lt}`;
    const revenueRows = ctx.prisma.$queryRaw<SourceRevenue[]>`
      SELECT COALESCE(l."source", 'unattributed') AS "source", SUM(w."amountCents")::float8 AS "cents"
      FROM "WorkEvent" w LEFT JOIN "Lead" l ON l."id" = w."leadId"
      WHERE w."businessId" = ${business.id} AND w."type" = 'invoice.paid' AND w."amountCents" IS NOT NULL
        AND w."receivedAt" >= ${range.gte} AND w."receivedAt" < ${range.lt}
      GROUP BY 1`;
    const requested = ctx.prisma.reviewLink.count({ where: { businessId: business.id, createdAt: range } });
    const clicked = ctx.prisma.reviewLink.count({ where: { businessId: business.id, firstClickedAt: range } });
    // independent reads, side by side
    const [{ overall, bySource, bucket, series }, [calls], revenue, reviewsRequested, reviewsClicked] = await Promise.all([
      speed,
      missedCalls,
      revenueRows,
      requested,
      clicked,
    ]);
    const revenueCents = revenue.reduce((n, r) => n + r.cents, 0);
    const speedToLead: TReport["speedToLead"] = {
      leads: overall.leads,
      responded: overall.responded,
      medianSeconds: overall.medianFirstResponseSeconds,
      p90Seconds: overall.p90FirstResponseSeconds,
      bucket,
      series,
    };
    res.json({
      business: business.slug,
      timezone: zone,
      from: from.toISODate(),
      to: to.toISODate(),
      speedToLead,
      missedCalls: { missed: calls?.missed ?? 0, textedBack: calls?.textedBack ?? 0 },
      revenue: revenueCents / 100,
      revenueCents,
      bySource: addRevenueBySource(bySource, revenue),
      reviews: { requested: reviewsRequested, clicked: reviewsClicked },
    });
  });
  return r;
}

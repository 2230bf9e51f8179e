// GET /api/admin/businesses/:slug/reports?from=&to= — what the owner asks: how fast do we answer,
// and which sources bring leads. Mounted under requireAdmin (admin-routes.ts): a per-business token
// sees only its own business's report. (Booked/won/revenue and reviews fill in as those features land.)
import { Router, type Request, type Response } from "express";
import { DateTime } from "luxon";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { ZSlugParams as ZSlug } from "../lib/schemas.ts";
import { AppError } from "../lib/errors.ts";
import { summarizeFirstResponses } from "../reports/summarize-first-responses.ts";
import { parseBody } from "./parse-body.ts";
import { adminCaller, visibleTo } from "./require-admin.ts";

const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
const ZRange = z.object({ from: ZDay.optional(), to: ZDay.optional() });

export function reportRoutes(ctx: Ctx): Router {
  const r = Router();
  r.get("/api/admin/businesses/:slug/reports", async (req: Request, res: Response) => {
    const { slug } = parseBody(ZSlug, req.params);
    const q = parseBody(ZRange, req.query);
    const business = await ctx.directory.bySlug(slug);
    if (!business || !visibleTo(adminCaller(res), business.id)) throw new AppError("not_found", `no business "${slug}"`);
    // days are the business's days: "2026-11-18" means midnight to midnight in its time zone
    const zone = business.profile.timezone;
    const today = DateTime.fromJSDate(ctx.clock.now(), { zone }).startOf("day");
    const from = q.from ? DateTime.fromISO(q.from, { zone }) : today.minus({ days: 29 });
    const to = q.to ? DateTime.fromISO(q.to, { zone }) : today;
    if (!from.isValid || !to.isValid) throw new AppError("bad_request", "from/to: not a real date");
    if (to < from) throw new AppError("bad_request", "to: must not be before from");
    const range = { gte: from.toJSDate(), lt: to.plus({ days: 1 }).toJSDate() };
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
      business: slug,
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

// The console's campaigns (mounted under requireAdmin): a segment's live count, the dry run, the
// launch and pause/resume — the CLI's own functions (src/campaigns) — and each campaign's progress.
// Every launch, pause and resume is audited on the campaign.
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { launchCampaign } from "../campaigns/launch-campaign.ts";
import { setCampaignRunning } from "../campaigns/pause-campaign.ts";
import { segmentWhere } from "../campaigns/segment-where.ts";
import { AppError } from "../lib/errors.ts";
import { ZRowId, ZSlugParams } from "../lib/schemas.ts";
import { parseBody } from "../lib/parse-body.ts";
import { actorOf, adminCaller, visibleTo } from "./require-admin.ts";
import { allSequences, sequenceFor } from "../sequences/sequence-registry.ts";
import { ZCampaignBody, ZSegmentQuery, type TCampaignRow } from "./console-schemas.ts";
import { recordAudit } from "./record-audit.ts";

const ZCampaignParams = z.object({ slug: ZSlugParams.shape.slug, id: ZRowId });

export function campaignRoutes(ctx: Ctx): Router {
  const r = Router();
  const json = express.json({ limit: "16kb" });

  async function businessOf(req: Request, res: Response): Promise<BusinessRef> {
    const { slug } = parseBody(ZSlugParams, req.params);
    const business = await ctx.directory.bySlug(slug);
    if (!business || !visibleTo(adminCaller(res), business.id)) throw new AppError("not_found", `no business "${slug}"`);
    return business;
  }

  r.get("/api/admin/businesses/:slug/segment-count", async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const { segment } = parseBody(ZSegmentQuery, req.query);
    const where = segmentWhere(segment, 2, ctx.clock.now(), business.profile.timezone);
    const [row] = await ctx.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS "n" FROM "Contact" c WHERE c."businessId" = $1 AND (${where.sql})`,
      business.id,
      ...where.values,
    );
    res.json({ count: row?.n ?? 0 });
  });

  r.post("/api/admin/businesses/:slug/campaigns/preview", json, async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const body = parseBody(ZCampaignBody, req.body);
    const out = await launchCampaign(ctx, { slug: business.slug, sequence: body.sequence, segment: body.segment || undefined, dryRun: true });
    res.json({ enrolled: out.enrolled, skipped: out.skipped, lines: out.lines });
  });

  r.post("/api/admin/businesses/:slug/campaigns", json, async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const body = parseBody(ZCampaignBody, req.body);
    const out = await launchCampaign(ctx, { slug: business.slug, sequence: body.sequence, segment: body.segment || undefined, dryRun: false });
    if (!out.campaignId) throw new AppError("conflict", "the campaign was not launched");
    await recordAudit(ctx.prisma, {
      businessId: business.id,
      actor: actorOf(adminCaller(res)),
      action: "campaign-launch",
      subjectType: "campaign",
      subjectId: out.campaignId,
      detail: { sequence: body.sequence, segment: body.segment, enrolled: out.enrolled, skipped: out.skipped },
      at: ctx.clock.now(),
    });
    const skipped = Object.values(out.skipped).reduce((a, n) => a + n, 0);
    res.json({ ok: true, campaignId: out.campaignId, message: `launched: ${out.enrolled} enrolled, ${skipped} skipped` });
  });

  for (const [verb, running] of [
    ["pause", false],
    ["resume", true],
  ] as const) {
    r.post(`/api/admin/businesses/:slug/campaigns/:id/${verb}`, async (req: Request, res: Response) => {
      const business = await businessOf(req, res);
      const { id } = parseBody(ZCampaignParams, req.params);
      const message = await setCampaignRunning(ctx, business.slug, id, running);
      await recordAudit(ctx.prisma, {
        businessId: business.id,
        actor: actorOf(adminCaller(res)),
        action: `campaign-${verb}`,
        subjectType: "campaign",
        subjectId: id,
        at: ctx.clock.now(),
      });
      res.json({ ok: true, message });
    });
  }

  r.get("/api/admin/businesses/:slug/campaigns", async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const sequences = [...allSequences().sequences.values()]
      .filter((s) => s.trigger.event === "campaign" && sequenceFor(business.profile, s.key))
      .map((s) => ({ key: s.key, name: s.name }));
    const rows = await ctx.prisma.campaign.findMany({ where: { businessId: business.id }, orderBy: { createdAt: "desc" }, take: 50 });
    const ids = rows.map((c) => c.id);
    const enrollments = await ctx.prisma.$queryRawUnsafe<{ campaignId: string; status: string; reason: string | null; n: number }[]>(
      `SELECT "campaignId", "status", "reason", count(*)::int AS "n" FROM "Enrollment" WHERE "campaignId" = ANY($1::text[]) GROUP BY 1, 2, 3`,
      ids,
    );
    const messages = await ctx.prisma.$queryRawUnsafe<{ campaignId: string; status: string; n: number }[]>(
      `SELECT e."campaignId", m."status", count(*)::int AS "n" FROM "Message" m JOIN "Enrollment" e ON e."id" = m."enrollmentId"
       WHERE e."campaignId" = ANY($1::text[]) GROUP BY 1, 2`,
      ids,
    );
    const audit = await ctx.prisma.auditEntry.findMany({ where: { subjectType: "campaign", subjectId: { in: ids } }, orderBy: { at: "asc" } });
    const sum = <T extends { campaignId: string; n: number }>(xs: T[], id: string, pick: (x: T) => boolean) =>
      xs.filter((x) => x.campaignId === id && pick(x)).reduce((a, x) => a + x.n, 0);
    const campaigns: TCampaignRow[] = rows.map((c) => ({
      id: c.id,
      sequenceKey: c.sequenceKey,
      segment: c.segment,
      status: c.status,
      createdAt: c.createdAt.toISOString(),
      pausedAt: c.pausedAt?.toISOString() ?? null,
      enrolled: sum(enrollments, c.id, (e) => e.status !== "skipped"),
      skipped: sum(enrollments, c.id, (e) => e.status === "skipped"),
      sent: sum(messages, c.id, (m) => ["accepted", "sent", "delivered", "read"].includes(m.status)),
      scheduled: sum(messages, c.id, (m) => ["queued", "scheduled", "sending"].includes(m.status)),
      replied: sum(enrollments, c.id, (e) => e.status === "stopped" && e.reason === "replied"),
      optedOut: sum(enrollments, c.id, (e) => e.reason === "opted-out"),
      booked: sum(enrollments, c.id, (e) => e.status === "stopped" && e.reason === "booked"),
      audit: audit.filter((a) => a.subjectId === c.id).map((a) => ({ id: a.id, actor: a.actor, action: a.action, detail: a.detail, at: a.at.toISOString() })),
    }));
    res.json({ sequences, campaigns });
  });
  return r;
}

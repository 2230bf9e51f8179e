// The console's sequences (mounted under requireAdmin): each definition (steps, stop conditions),
// its active enrollments for the business, and a switch that turns one off for the business (the
// profile's sequences.disabled, applied like /leadline pause so every process reloads it; active
// enrollments of a switched-off sequence stop and what they had waiting is taken back). Applying
// the business's YAML again sets the list to what the file says.
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { applyBusinessProfile } from "../business/apply-business-profile.ts";
import { ZProfile } from "../config/profile-schema.ts";
import { AppError } from "../lib/errors.ts";
import { ZSlugParams } from "../lib/schemas.ts";
import { parseBody } from "../lib/parse-body.ts";
import { actorOf, adminCaller, visibleTo } from "./require-admin.ts";
import { allSequences } from "../sequences/sequence-registry.ts";
import { stopEnrollments } from "../sequences/stop-enrollments.ts";
import { ZSequenceSwitch, type TSequenceRow } from "./console-schemas.ts";
import { recordAudit } from "./record-audit.ts";

const ZKeyParams = z.object({ slug: ZSlugParams.shape.slug, key: z.string().regex(/^[\w-]{1,80}$/, "must be a sequence name") });
const SHOWN_ACTIVE = 50;

export function sequenceRoutes(ctx: Ctx): Router {
  const r = Router();

  async function businessOf(req: Request, res: Response) {
    const { slug } = parseBody(ZSlugParams, req.params);
    const business = await ctx.directory.bySlug(slug);
    if (!business || !visibleTo(adminCaller(res), business.id)) throw new AppError("not_found", `no business "${slug}"`);
    return business;
  }

  r.get("/api/admin/businesses/:slug/sequences", async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const sequences: TSequenceRow[] = [];
    for (const s of allSequences().sequences.values()) {
      const where = { businessId: business.id, sequenceKey: s.key, status: "active" };
      const [active, activeCount] = await Promise.all([
        ctx.prisma.enrollment.findMany({
          where,
          orderBy: { nextAt: { sort: "asc", nulls: "last" } },
          take: SHOWN_ACTIVE,
          include: { contact: { select: { name: true, phone: true } } },
        }),
        ctx.prisma.enrollment.count({ where }),
      ]);
      sequences.push({
        key: s.key,
        name: s.name,
        description: s.description ?? null,
        purpose: s.purpose,
        trigger: s.trigger.event,
        stopWhen: s.stopWhen,
        steps: s.steps.map((st) => ({ when: st.delay ? `after ${st.delay}` : `${st.before ?? ""} before`, template: st.template, ai: Boolean(st.ai) })),
        enabled: !business.profile.sequences.disabled.includes(s.key),
        active: active.map((e) => ({
          id: e.id,
          contact: e.contact.name ?? e.contact.phone ?? "contact",
          step: e.step,
          nextAt: e.nextAt?.toISOString() ?? null,
          conversationId: e.conversationId,
        })),
        activeCount,
      });
    }
    res.json({ sequences });
  });

  r.post("/api/admin/businesses/:slug/sequences/:key", express.json({ limit: "1kb" }), async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const { key } = parseBody(ZKeyParams, req.params);
    const { enabled } = parseBody(ZSequenceSwitch, req.body);
    if (!allSequences().sequences.has(key)) throw new AppError("not_found", `no sequence "${key}"`);
    const row = await ctx.prisma.business.findUniqueOrThrow({ where: { id: business.id }, select: { profile: true } });
    const profile = ZProfile.parse(row.profile);
    const disabled = profile.sequences.disabled.filter((k) => k !== key);
    if (!enabled) disabled.push(key);
    await applyBusinessProfile(ctx.prisma, { ...profile, sequences: { ...profile.sequences, disabled } }, ctx.clock);
    ctx.directory.invalidate();
    let stopped = 0;
    if (!enabled) {
      const ids = (await ctx.prisma.enrollment.findMany({ where: { businessId: business.id, sequenceKey: key, status: "active" }, select: { id: true } })).map(
        (e) => e.id,
      );
      stopped = (await stopEnrollments(ctx, ids, "switched-off")).length;
    }
    await recordAudit(ctx.prisma, {
      businessId: business.id,
      actor: actorOf(adminCaller(res)),
      action: enabled ? "sequence-on" : "sequence-off",
      subjectType: "business",
      subjectId: business.id,
      detail: { sequence: key, stopped },
      at: ctx.clock.now(),
    });
    res.json({
      ok: true,
      message: enabled ? `${key} is on` : `${key} is off${stopped ? `; ${stopped} active enrollment${stopped > 1 ? "s" : ""} stopped` : ""}`,
    });
  });
  return r;
}

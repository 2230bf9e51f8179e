// Read-only admin API for the owner console (CONTRACT.md). Every query is scoped to one business,
// and a per-business token sees only its own: anything else answers exactly like a missing row.
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { ZSlugParams as ZSlug } from "../lib/schemas.ts";
import { AppError } from "../lib/errors.ts";
import { parseBody } from "./parse-body.ts";
import { adminCaller, adminLoginRoutes, requireAdmin, visibleTo } from "./require-admin.ts";
import { reportRoutes } from "./report-routes.ts";
import { appointmentRoutes, conversationAppointments } from "./appointment-routes.ts";

const ZId = z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, "must be a conversation id") });
const ZListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});

export function adminRoutes(ctx: Ctx): Router {
  const r = Router();
  r.use(adminLoginRoutes(ctx));
  r.use("/api/admin", requireAdmin(ctx));

  r.get("/api/admin/businesses/:slug/conversations", async (req: Request, res: Response) => {
    const { slug } = parseBody(ZSlug, req.params);
    const q = parseBody(ZListQuery, req.query);
    const business = await ctx.prisma.business.findUnique({ where: { slug }, select: { id: true } });
    if (!business || !visibleTo(adminCaller(res), business.id)) throw new AppError("not_found", `no business "${slug}"`);
    const rows = await ctx.prisma.conversation.findMany({
      // a chat opened and left without a word is not a conversation yet
      where: { businessId: business.id, status: { not: "merged" }, lastMessageAt: q.before ? { lt: new Date(q.before) } : { not: null } },
      orderBy: [{ lastMessageAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
      take: q.limit,
      include: {
        contact: { select: { id: true, name: true, phone: true, email: true, optedOutAt: true } },
        leads: { orderBy: { createdAt: "asc" }, take: 1, select: { id: true, stage: true, source: true, needsAttention: true } },
        messages: {
          orderBy: { createdAt: "desc" },
          take: 1,
          select: { id: true, direction: true, channel: true, author: true, body: true, status: true, createdAt: true },
        },
      },
    });
    const channels = await ctx.prisma.message.groupBy({
      by: ["conversationId", "channel"],
      where: { businessId: business.id, conversationId: { in: rows.map((c) => c.id) } },
    });
    res.json({
      conversations: rows.map((c) => ({
        id: c.id,
        contact: { id: c.contact.id, name: c.contact.name, phone: c.contact.phone, email: c.contact.email, optedOut: c.contact.optedOutAt !== null },
        channels: channels
          .filter((x) => x.conversationId === c.id)
          .map((x) => x.channel)
          .sort(),
        status: c.status,
        handledBy: c.handledBy,
        lead: c.leads[0] ? { id: c.leads[0].id, stage: c.leads[0].stage, source: c.leads[0].source, needsAttention: c.leads[0].needsAttention } : null,
        lastMessage: c.messages[0] ?? null,
        lastMessageAt: c.lastMessageAt,
        createdAt: c.createdAt,
      })),
    });
  });

  r.get("/api/admin/conversations/:id", async (req: Request, res: Response) => {
    const { id } = parseBody(ZId, req.params);
    const c = await ctx.prisma.conversation.findUnique({
      where: { id },
      include: {
        business: { select: { slug: true } },
        contact: true,
        leads: { orderBy: { createdAt: "asc" }, include: { touches: { orderBy: { createdAt: "asc" } } } },
        messages: { orderBy: { createdAt: "asc" } },
        calls: { orderBy: { createdAt: "asc" } },
      },
    });
    if (!c || !visibleTo(adminCaller(res), c.businessId)) throw new AppError("not_found", `no conversation "${id}"`);
    const lead = c.leads[0];
    res.json({
      id: c.id,
      business: c.business.slug,
      status: c.status,
      handledBy: c.handledBy,
      contact: {
        id: c.contact.id,
        name: c.contact.name,
        phone: c.contact.phone,
        email: c.contact.email,
        zip: c.contact.zip,
        optedOut: c.contact.optedOutAt !== null,
        optedOutAt: c.contact.optedOutAt,
      },
      lead: lead
        ? {
            id: lead.id,
            source: lead.source,
            channel: lead.channel,
            stage: lead.stage,
            utm: { source: lead.utmSource, medium: lead.utmMedium, campaign: lead.utmCampaign, term: lead.utmTerm, content: lead.utmContent },
            gclid: lead.gclid,
            fbclid: lead.fbclid,
            msclkid: lead.msclkid,
            landingPage: lead.landingPage,
            referrer: lead.referrer,
            formId: lead.formId,
            adId: lead.adId,
            campaignId: lead.campaignId,
            externalId: lead.externalId,
            isTest: lead.isTest,
            needsAttention: lead.needsAttention,
            details: lead.details ?? {},
            answers: lead.answers ?? {},
            touches: lead.touches.map((x) => ({
              channel: x.channel,
              source: x.source,
              utmSource: x.utmSource,
              utmCampaign: x.utmCampaign,
              gclid: x.gclid,
              fbclid: x.fbclid,
              landingPage: x.landingPage,
              at: x.createdAt,
            })),
            firstResponseAt: lead.firstResponseAt,
            createdAt: lead.createdAt,
          }
        : null,
      messages: c.messages.map((m) => ({
        id: m.id,
        direction: m.direction,
        channel: m.channel,
        author: m.author,
        body: m.body,
        media: m.media ?? [],
        status: m.status,
        errorCode: m.errorCode,
        segments: m.segments,
        encoding: m.encoding,
        purpose: m.purpose,
        createdAt: m.createdAt,
      })),
      calls: c.calls.map((k) => ({
        id: k.id,
        callSid: k.callSid,
        status: k.status,
        missedReason: k.missedReason,
        recordingUrl: k.recordingUrl,
        transcription: k.transcription,
        createdAt: k.createdAt,
      })),
      appointments: await conversationAppointments(ctx, c.id, c.businessId),
    });
  });

  r.use(reportRoutes(ctx));
  r.use(appointmentRoutes(ctx));
  return r;
}

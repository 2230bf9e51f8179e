// Read-only admin API for the owner console (CONTRACT.md). Every query is scoped to one business,
// and a per-business token sees only its own: anything else answers exactly like a missing row.
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { ZSlugParams as ZSlug } from "../lib/schemas.ts";
import { AppError } from "../lib/errors.ts";
import { parseBody } from "../lib/parse-body.ts";
import { adminCaller, adminLoginRoutes, requireAdmin, visibleTo } from "../console/require-admin.ts";
import { reportRoutes } from "./report-routes.ts";
import { appointmentRoutes, conversationAppointments } from "./appointment-routes.ts";
import { ZInboxQuery } from "../console/console-schemas.ts";
import { listConversations } from "../console/list-conversations.ts";
import { consoleApiRoutes } from "../console/console-api-routes.ts";
import { campaignRoutes } from "../console/campaign-routes.ts";
import { sequenceRoutes } from "../console/sequence-routes.ts";
import { promptRoutes } from "../console/prompt-routes.ts";
import type { RunReplay } from "../console/replay-prompt-draft.ts";
import { appointmentWriteRoutes } from "../console/appointment-write-routes.ts";

const ZId = z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, "must be a conversation id") });

export function adminRoutes(ctx: Ctx, runReplay: RunReplay | undefined): Router {
  const r = Router();
  r.use(adminLoginRoutes(ctx));
  r.use("/api/admin", requireAdmin(ctx));

  r.get("/api/admin/businesses/:slug/conversations", async (req: Request, res: Response) => {
    const { slug } = parseBody(ZSlug, req.params);
    const q = parseBody(ZInboxQuery, req.query);
    const business = await ctx.prisma.business.findUnique({ where: { slug }, select: { id: true } });
    if (!business || !visibleTo(adminCaller(res), business.id)) throw new AppError("not_found", `no business "${slug}"`);
    res.json(
      await listConversations(ctx, business.id, {
        limit: q.limit,
        before: q.before ? new Date(q.before) : undefined,
        needsAttention: q.needsAttention === "true",
      }),
    );
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
        authorName: m.authorName,
        origin: m.origin,
        body: m.body,
        media: m.media ?? [],
        status: m.status,
        errorCode: m.errorCode,
        errorMessage: m.errorMessage,
        kind: m.kind,
        sendAt: m.sendAt,
        holdReason: m.holdReason,
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
      // what the agent did on each turn (tools, guard verdicts) and every console write here
      turns: (await ctx.prisma.agentTurn.findMany({ where: { conversationId: c.id }, orderBy: { startedAt: "asc" } })).map((t) => ({
        id: t.id,
        triggerMessageId: t.triggerMessageId,
        replyMessageId: t.replyMessageId,
        status: t.status,
        mode: t.mode,
        toolCalls: Array.isArray(t.toolCalls) ? t.toolCalls : [],
        guard: Array.isArray(t.guard) ? t.guard : [],
        error: t.error,
        startedAt: t.startedAt,
      })),
      audit: (await ctx.prisma.auditEntry.findMany({ where: { subjectType: "conversation", subjectId: c.id }, orderBy: { at: "asc" } })).map((a) => ({
        id: a.id,
        actor: a.actor,
        action: a.action,
        detail: a.detail,
        at: a.at,
      })),
    });
  });

  r.use(consoleApiRoutes(ctx));
  r.use(campaignRoutes(ctx));
  r.use(sequenceRoutes(ctx));
  r.use(promptRoutes(ctx, runReplay));
  r.use(appointmentWriteRoutes(ctx));
  r.use(reportRoutes(ctx));
  r.use(appointmentRoutes(ctx));
  return r;
}

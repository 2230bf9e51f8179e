// The console's part of the admin API (mounted under requireAdmin by admin-routes.ts): who am I,
// the live inbox stream, and the writes a dispatcher makes on a conversation. Each write goes
// through the same domain functions as Slack's buttons and is audited (who, what, when).
import { openEventStream } from "../lib/open-event-stream.ts";
import { randomUUID } from "node:crypto";
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { requestAgentTurn } from "../agent/request-agent-turn.ts";
import { assignConversation } from "../inbox/assign-conversation.ts";
import { AppError } from "../lib/errors.ts";
import { ZRowId, ZSlugParams } from "../lib/schemas.ts";
import { parseBody } from "../lib/parse-body.ts";
import { actorOf, adminCaller, visibleTo } from "./require-admin.ts";
import { setLeadStage } from "../slack/set-lead-stage.ts";
import { createConsoleHub } from "./console-hub.ts";
import { ZNoteBody, ZReplyBody, ZStageBody, type TMe } from "./console-schemas.ts";
import { postConsoleNote } from "./post-console-note.ts";
import { recordAudit } from "./record-audit.ts";
import { sendConsoleReply } from "./send-console-reply.ts";

const ZConvParams = z.object({ id: ZRowId });

export function consoleApiRoutes(ctx: Ctx): Router {
  const r = Router();
  const hub = createConsoleHub(ctx.events);
  const json = express.json({ limit: "16kb" });

  r.get("/api/admin/me", async (_req: Request, res: Response) => {
    const caller = adminCaller(res);
    const rows = await ctx.prisma.business.findMany({
      where: caller.kind === "operator" ? {} : { id: caller.businessId },
      select: { slug: true, name: true },
      orderBy: { name: "asc" },
    });
    const me: TMe = { kind: caller.kind, businesses: rows };
    res.set("cache-control", "no-store").json(me);
  });

  /** the business of a conversation the caller may see; anything else is a 404 that says nothing of it */
  async function conversationOf(req: Request, res: Response): Promise<{ business: BusinessRef; conversationId: string }> {
    const { id } = parseBody(ZConvParams, req.params);
    const c = await ctx.prisma.conversation.findUnique({ where: { id }, select: { businessId: true } });
    const business = c && visibleTo(adminCaller(res), c.businessId) ? await ctx.directory.byId(c.businessId) : undefined;
    if (!business) throw new AppError("not_found", `no conversation "${id}"`);
    return { business, conversationId: id };
  }

  const audit = (res: Response, businessId: string, conversationId: string, action: string, detail?: Record<string, unknown>) =>
    recordAudit(ctx.prisma, {
      businessId,
      actor: actorOf(adminCaller(res)),
      action,
      subjectType: "conversation",
      subjectId: conversationId,
      detail,
      at: ctx.clock.now(),
    });

  r.post("/api/admin/conversations/:id/reply", json, async (req: Request, res: Response) => {
    const { business, conversationId } = await conversationOf(req, res);
    const { text } = parseBody(ZReplyBody, req.body);
    const actor = actorOf(adminCaller(res));
    const requestId = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"].slice(0, 64) : randomUUID();
    const out = await sendConsoleReply(ctx, { business, conversationId, text, actor, requestId });
    if (out.tookOver) await audit(res, business.id, conversationId, "take-over", { why: "replied" });
    await audit(res, business.id, conversationId, "reply", { messageId: out.messageId, status: out.status, holdReason: out.holdReason });
    res.json({ ok: true, message: out.holdReason ? `held: ${out.holdReason}` : out.status });
  });

  r.post("/api/admin/conversations/:id/take-over", async (req: Request, res: Response) => {
    const { business, conversationId } = await conversationOf(req, res);
    const moved = await assignConversation(ctx, { businessId: business.id, conversationId, handledBy: "human", by: `console:${actorOf(adminCaller(res))}` });
    if (moved) await audit(res, business.id, conversationId, "take-over");
    res.json({ ok: true, message: moved ? "a person has it" : "a person already had it" });
  });

  r.post("/api/admin/conversations/:id/resume-ai", async (req: Request, res: Response) => {
    const { business, conversationId } = await conversationOf(req, res);
    const moved = await assignConversation(ctx, { businessId: business.id, conversationId, handledBy: "ai", by: `console:${actorOf(adminCaller(res))}` });
    if (moved) {
      await audit(res, business.id, conversationId, "resume-ai");
      // anything the homeowner wrote while a person had it gets its answer now
      await requestAgentTurn(ctx, conversationId, 0);
    }
    res.json({ ok: true, message: moved ? "the AI has it" : "the AI already had it" });
  });

  r.post("/api/admin/conversations/:id/note", json, async (req: Request, res: Response) => {
    const { business, conversationId } = await conversationOf(req, res);
    const { text } = parseBody(ZNoteBody, req.body);
    const actor = actorOf(adminCaller(res));
    const mirrored = await postConsoleNote(ctx, { conversationId, text, actor });
    await audit(res, business.id, conversationId, "note", { text, slack: mirrored });
    res.json({ ok: true, message: mirrored ? "noted (and in Slack)" : "noted" });
  });

  r.post("/api/admin/conversations/:id/stage", json, async (req: Request, res: Response) => {
    const { business, conversationId } = await conversationOf(req, res);
    const { stage } = parseBody(ZStageBody, req.body);
    const done = await setLeadStage(ctx, { businessId: business.id, conversationId, stage });
    if (!done) throw new AppError("conflict", "this conversation has no lead to mark");
    await audit(res, business.id, conversationId, `mark-${stage}`);
    res.json({ ok: true, message: `marked ${stage}` });
  });

  // Server-sent events: "conversation X moved" for one business; the page reloads what it shows.
  r.get("/api/admin/businesses/:slug/inbox/stream", async (req: Request, res: Response) => {
    const { slug } = parseBody(ZSlugParams, req.params);
    const business = await ctx.directory.bySlug(slug);
    if (!business || !visibleTo(adminCaller(res), business.id)) throw new AppError("not_found", `no business "${slug}"`);
    openEventStream(res);
    let closed = false;
    let unsubscribe: (() => void) | undefined;
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
    res.on("close", () => {
      closed = true;
      clearInterval(heartbeat);
      unsubscribe?.();
    });
    const off = await hub.subscribe(business.id, (c) => {
      if (!res.writableEnded && !res.destroyed) res.write(`event: change\ndata: ${JSON.stringify(c)}\n\n`);
    });
    if (closed) off();
    else unsubscribe = off;
    // the browser may count on every change after this line
    res.write("event: ready\ndata: {}\n\n");
  });

  return r;
}

// The web chat API the widget talks to (CONTRACT.md): sessions, messages, server-sent events,
// and the optional "text me instead" hand-off to SMS (an invitation with a code to the number,
// joined only once its owner proves it: the code typed back here, or a reply by SMS).
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import { ZRowId, ZSlugParams as ZSlug } from "../../lib/schemas.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { ZAttribution, attributionFromUrl } from "../../attribution/attribution-schema.ts";
import { openChatSession } from "../../inbox/open-chat-session.ts";
import { recordInboundEvent } from "../../inbox/record-inbound-event.ts";
import { parseBody } from "../../lib/parse-body.ts";
import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/new-id.ts";
import { allowOrigin, createChatLimits, createStreamCaps, newSessionToken, preflight, STREAM_CAPS, tokenMatches } from "./chat-guards.ts";
import { streamChatEvents } from "./stream-chat-events.ts";
import { clientIpKey } from "../../lib/client-ip-key.ts";
import { handOffChatToSms, refuseInvitationTarget, ZSmsHandoff } from "./hand-off-chat-to-sms.ts";
import { verifyChatPhoneCode } from "./verify-chat-phone-code.ts";

export const MAX_CHAT_TEXT = 1000;
const ZSessionId = z.object({ id: ZRowId });
const ZMessage = z.object({
  text: z.string().trim().min(1, "must not be empty").max(MAX_CHAT_TEXT, `must be at most ${MAX_CHAT_TEXT} characters`),
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, - and _ only (max 64)")
    .optional(),
});

const ZCode = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "must be the 6 digits we texted"),
});

export interface ChatRouteOptions {
  /** open event streams per session, per client IP and per process */
  streamCaps?: typeof STREAM_CAPS;
}

export function chatRoutes(ctx: Ctx, opts: ChatRouteOptions = {}): Router {
  const r = Router();
  const json = express.json({ limit: "8kb" });
  const limits = createChatLimits(ctx.queues.redis, ctx.env.QUEUE_PREFIX);
  const streams = createStreamCaps(opts.streamCaps);

  async function business(slug: string): Promise<BusinessRef> {
    const b = await ctx.directory.bySlug(slug);
    if (!b || !b.profile.webchat) throw new AppError("not_found", `no web chat for "${slug}"`);
    return b;
  }

  /** the session behind a request, its token checked, with its business's origin rules applied */
  async function session(req: Request, res: Response, token: string | undefined) {
    const id = ZSessionId.safeParse(req.params).data?.id;
    const s = id ? await ctx.prisma.chatSession.findUnique({ where: { id } }) : null;
    if (!s || !tokenMatches(token, s.tokenHash)) throw new AppError("unauthorized", "unknown session or wrong token");
    const b = await ctx.directory.byId(s.businessId);
    if (!b) throw new AppError("not_found", "business gone");
    allowOrigin(req, res, b);
    return { s, b };
  }
  const bearer = (req: Request) => /^Bearer (.+)$/.exec(req.header("authorization") ?? "")?.[1];
  const ip = (req: Request) => clientIpKey(req.ip);

  // Session-bound calls: the browser must be able to read a 401/404 (so the widget can drop a
  // stale session and start over), so errors echo the Origin; a valid session's business origin
  // list is still enforced below. Nothing is readable or writable without the session token.
  r.use("/api/chat/sessions", (req, res, next) => {
    const origin = req.header("origin");
    if (origin) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
    }
    next();
  });

  r.options("/api/chat/:slug/sessions", async (req, res) => {
    allowOrigin(req, res, await business(parseBody(ZSlug, req.params).slug));
    preflight(res);
  });
  r.options("/api/chat/sessions/:id/{*rest}", (_req, res) => {
    // preflights carry no token: let the real request through to be judged on its token
    preflight(res);
  });

  r.post("/api/chat/:slug/sessions", json, async (req, res) => {
    const b = await business(parseBody(ZSlug, req.params).slug);
    allowOrigin(req, res, b);
    await limits.take(res, "session-create", ip(req));
    const attribution = attributionFromUrl(parseBody(ZAttribution, req.body ?? {}));
    const { token, hash } = newSessionToken();
    const created = await openChatSession(ctx.prisma, {
      businessId: b.id,
      tokenHash: hash,
      origin: req.header("origin") ?? null,
      attribution,
      at: ctx.clock.now(),
    });
    res.status(201).json({
      sessionId: created.id,
      token,
      greeting: b.profile.webchat?.greeting ?? `Hi! How can ${b.profile.name} help today?`,
      businessName: b.profile.name,
    });
  });

  r.post("/api/chat/sessions/:id/messages", json, async (req, res) => {
    const { s, b } = await session(req, res, bearer(req));
    const m = parseBody(ZMessage, req.body);
    await limits.take(res, "message-session", s.id);
    await limits.take(res, "message-ip", ip(req));
    const clientId = m.clientId ?? `srv${newId()}`;
    const { id } = await recordInboundEvent(ctx, {
      provider: "webchat",
      kind: "chat",
      externalId: `${s.id}:${clientId}`,
      businessId: b.id,
      payload: { sessionId: s.id, clientId, text: m.text },
    });
    ctx.metrics.webhooks.inc({ route: "chat", outcome: id ? "stored" : "duplicate" });
    res.status(202).json({ id: id ?? null, clientId });
  });

  r.get("/api/chat/sessions/:id/events", async (req, res) => {
    const { s } = await session(req, res, typeof req.query.token === "string" ? req.query.token : undefined);
    const release = streams.open(s.id, ip(req));
    if (!release) {
      res.setHeader("Retry-After", "10");
      throw new AppError("too_many", "too many open chat streams; close one and retry");
    }
    res.once("close", release);
    await streamChatEvents(ctx, req, res, s);
  });

  // "Text me instead": validated; a number of the business's countries, inside the texting window
  // at its place; limited per session, client, number (across every business) and business; then
  // one invitation with a code. An opted-out number gets the same answer as any other (no text).
  r.post("/api/chat/sessions/:id/sms", json, async (req, res) => {
    const { s, b } = await session(req, res, bearer(req));
    const input = parseBody(ZSmsHandoff, req.body);
    if (s.phoneVerifiedAt) throw new AppError("conflict", "this chat already continues by text");
    refuseInvitationTarget(b, input.phone, ctx.clock.now());
    await limits.take(res, "sms-session", s.id);
    await limits.take(res, "sms-ip", ip(req));
    await limits.take(res, "sms-number", input.phone);
    await limits.takeUpTo(res, "sms-business", b.id, b.profile.webchat?.maxInvitationsPerDay ?? 100);
    res.json(await handOffChatToSms(ctx, b, s, input));
  });

  r.post("/api/chat/sessions/:id/sms/verify", json, async (req, res) => {
    const { s, b } = await session(req, res, bearer(req));
    const { code } = parseBody(ZCode, req.body);
    await limits.take(res, "verify-ip", ip(req));
    res.json(await verifyChatPhoneCode(ctx, b, s.id, code));
  });

  return r;
}

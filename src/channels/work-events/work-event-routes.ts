// POST /webhooks/events/:slug — work done in a field-service tool or Zapier (estimate, job, invoice),
// signed like lead forms but with the business's own events.secret (never the website form token,
// which sits in web pages). 201 with the new id, 200 with the first id for a repeat; the stored
// event starts or stops sequences and carries revenue for the reports. Failed signatures are
// counted per client IP; past the limit that IP gets 429 until its window is over.
import express, { Router, type Request, type Response } from "express";
import type { Ctx } from "../../context.ts";
import { pickPhoneRegion } from "../../contacts/pick-phone-region.ts";
import { parseBody } from "../../lib/parse-body.ts";
import { AppError } from "../../lib/errors.ts";
import { toE164 } from "../../lib/phone.ts";
import { ZSlugParams } from "../../lib/schemas.ts";
import { verifyFormAuth } from "../forms/verify-form-auth.ts";
import { limitFailedSignatures } from "./limit-failed-signatures.ts";
import { recordWorkEvent, ZWorkEventBody } from "./record-work-event.ts";

export function workEventRoutes(ctx: Ctx): Router {
  const r = Router();
  const limit = limitFailedSignatures(ctx.queues.redis, ctx.env.QUEUE_PREFIX);
  // raw: the signature covers the exact bytes
  r.post("/webhooks/events/:slug", express.raw({ type: () => true, limit: "64kb" }), async (req: Request, res: Response) => {
    const ip = req.ip ?? "?";
    await limit.check(res, ip);
    const { slug } = parseBody(ZSlugParams, req.params);
    const business = await ctx.directory.bySlug(slug);
    if (!business) throw new AppError("not_found", `no business "${slug}"`);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      verifyFormAuth(
        business.profile.events?.secret,
        raw,
        { token: req.header("x-leadline-token"), signature: req.header("x-leadline-signature") },
        "work events are not enabled for this business (set events.secret)",
      );
    } catch (e) {
      ctx.metrics.webhooks.inc({ route: "work-event", outcome: "rejected" });
      await limit.fail(ip);
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      ctx.metrics.webhooks.inc({ route: "work-event", outcome: "invalid" });
      throw new AppError("bad_request", "body: not JSON");
    }
    const body = parseBody(ZWorkEventBody, json);
    const phone = body.contact.phone === undefined ? undefined : toE164(body.contact.phone, pickPhoneRegion(business.profile.phoneNumbers));
    if (body.contact.phone !== undefined && !phone) throw new AppError("bad_request", `contact.phone: "${body.contact.phone}" is not a phone number`);
    const { workEventId, duplicate } = await recordWorkEvent(ctx, business, { ...body, contact: { ...body.contact, phone } });
    ctx.metrics.webhooks.inc({ route: "work-event", outcome: duplicate ? "duplicate" : "stored" });
    res.status(duplicate ? 200 : 201).json({ workEventId, ...(duplicate ? { duplicate: true } : {}) });
  });
  return r;
}

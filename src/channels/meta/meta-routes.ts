// Meta (Facebook/Instagram) Lead Ads webhooks: the subscription handshake, then leadgen changes
// signed with X-Hub-Signature-256 by the app secret of the page's business.
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import { recordLeadEvent } from "../forms/form-routes.ts";
import { AppError } from "../../lib/errors.ts";
import { parseBody } from "../../lib/parse-body.ts";
import { sameSecret, sha256SignatureMatches } from "../../lib/crypto.ts";

const ZVerify = z.object({
  "hub.mode": z.literal("subscribe", { error: "must be subscribe" }),
  "hub.verify_token": z.string().min(1),
  "hub.challenge": z.string().min(1).max(200),
});

const ZLeadgenValue = z.looseObject({
  leadgen_id: z.union([z.string(), z.number()]).transform(String),
  page_id: z.union([z.string(), z.number()]).transform(String),
  form_id: z.union([z.string(), z.number()]).transform(String).optional(),
  ad_id: z.union([z.string(), z.number()]).transform(String).optional(),
  adgroup_id: z.union([z.string(), z.number()]).transform(String).optional(),
  created_time: z.number().optional(),
});
const ZMetaWebhook = z.looseObject({
  object: z.string(),
  entry: z
    .array(
      z.looseObject({
        id: z.union([z.string(), z.number()]).transform(String),
        time: z.number().optional(),
        changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })).default([]),
      }),
    )
    .min(1),
});

export function metaRoutes(ctx: Ctx): Router {
  const r = Router();

  r.get("/webhooks/facebook", async (req: Request, res: Response) => {
    const q = parseBody(ZVerify, req.query);
    const b = await ctx.directory.find((x) => sameSecret(q["hub.verify_token"], x.profile.meta?.verifyToken));
    if (!b) throw new AppError("forbidden", "hub.verify_token matches no business");
    res.type("text/plain").send(q["hub.challenge"]);
  });

  r.post("/webhooks/facebook", express.raw({ type: () => true, limit: "256kb" }), async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new AppError("bad_request", "malformed JSON body");
    }
    const body = parseBody(ZMetaWebhook, json);
    // Every page in the delivery must belong to a business whose app secret signed it; check all
    // before storing any.
    const pages = await Promise.all(body.entry.map((e) => ctx.directory.find((b) => b.profile.meta?.pageId === e.id)));
    const header = req.header("x-hub-signature-256");
    if (pages.some((b) => !b || !sha256SignatureMatches(header, b.profile.meta!.appSecret, raw))) {
      ctx.metrics.webhooks.inc({ route: "meta", outcome: "rejected" });
      throw new AppError("forbidden", "X-Hub-Signature-256 does not match the page's app secret");
    }
    let stored = 0;
    for (const [i, entry] of body.entry.entries()) {
      const business = pages[i]!;
      for (const change of entry.changes) {
        if (change.field !== "leadgen") continue;
        const v = ZLeadgenValue.safeParse(change.value);
        if (!v.success) throw new AppError("bad_request", `entry.${i}.changes: leadgen value needs leadgen_id and page_id`);
        const { duplicate } = await recordLeadEvent(ctx, business, "meta", v.data.leadgen_id, {
          channel: "meta",
          explicitSource: "facebook-ads",
          lead: { consent: false, attribution: { formId: v.data.form_id, adId: v.data.ad_id }, extra: {} },
          leadgenId: v.data.leadgen_id,
        });
        if (!duplicate) stored++;
      }
    }
    ctx.metrics.webhooks.inc({ route: "meta", outcome: stored ? "stored" : "duplicate" });
    res.status(200).type("text/plain").send("EVENT_RECEIVED");
  });

  return r;
}

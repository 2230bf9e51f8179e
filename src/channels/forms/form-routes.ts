// Lead forms: a website (or Zapier) form, and Google Ads lead form extensions. Verify, record once
// by the provider's id, answer with the lead id; the worker does the rest (and texts at once).
import express, { Router, type Request, type Response } from "express";
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { recordInboundEventOrJournal } from "../../inbox/record-inbound-event.ts";
import { parseBody } from "../../lib/parse-body.ts";
import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/new-id.ts";
import { ZGoogleLead, leadFromGoogle } from "./google-lead.ts";
import { normalizeFormFields, type FormLead } from "./normalize-form-fields.ts";
import { parseFormBody } from "./parse-form-body.ts";
import { verifyFormAuth } from "./verify-form-auth.ts";
import { sameSecret, sha256Hex } from "../../lib/crypto.ts";
import { ZSlugParams as ZSlug } from "../../lib/schemas.ts";

export interface LeadEventPayload {
  leadId: string;
  channel: "form" | "google-ads" | "meta";
  lead: FormLead;
  explicitSource?: string;
  isTest?: boolean;
  /** Meta: the lead to fetch from the Graph API */
  leadgenId?: string;
}

/** Stores the lead event once per provider id; a repeat answers with the first lead id. */
export async function recordLeadEvent(
  ctx: Ctx,
  business: BusinessRef,
  provider: string,
  externalId: string,
  payload: Omit<LeadEventPayload, "leadId">,
): Promise<{ leadId: string; duplicate: boolean }> {
  const leadId = newId();
  const scoped = `${business.id}:${externalId}`;
  const { id, journaled } = await recordInboundEventOrJournal(ctx, {
    provider,
    kind: "lead",
    externalId: scoped,
    businessId: business.id,
    payload: { ...payload, leadId },
  });
  if (id || journaled) return { leadId, duplicate: false };
  const prior = await ctx.prisma.inboundEvent.findUnique({ where: { provider_externalId: { provider, externalId: scoped } }, select: { payload: true } });
  return { leadId: String((prior?.payload as { leadId?: string } | null)?.leadId ?? ""), duplicate: true };
}

export function formRoutes(ctx: Ctx): Router {
  const r = Router();
  const raw = express.raw({ type: () => true, limit: "64kb" });

  async function business(req: Request): Promise<BusinessRef> {
    const { slug } = parseBody(ZSlug, req.params);
    const b = await ctx.directory.bySlug(slug);
    if (!b) throw new AppError("not_found", `no business "${slug}"`);
    return b;
  }

  r.post("/webhooks/forms/:slug", raw, async (req: Request, res: Response) => {
    const b = await business(req);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      verifyFormAuth(b.profile.forms?.token, body, { token: req.header("x-leadline-token"), signature: req.header("x-leadline-signature") });
    } catch (e) {
      ctx.metrics.webhooks.inc({ route: "form", outcome: "rejected" });
      throw e;
    }
    const lead = normalizeFormFields(parseFormBody(body, req.header("content-type")));
    if (!lead.phone && !lead.email && !lead.name) throw new AppError("bad_request", "a lead needs at least a phone, an email or a name");
    // No submission id? The same body posted twice is the same lead.
    const externalId = lead.id ?? `sha256-${sha256Hex(body)}`;
    const { leadId, duplicate } = await recordLeadEvent(ctx, b, "form", externalId, { channel: "form", lead });
    ctx.metrics.webhooks.inc({ route: "form", outcome: duplicate ? "duplicate" : "stored" });
    res.status(202).json({ leadId, ...(duplicate ? { duplicate: true } : {}) });
  });

  r.post("/webhooks/forms/:slug/google-ads", express.json({ limit: "64kb" }), async (req: Request, res: Response) => {
    const b = await business(req);
    const key = typeof req.body?.google_key === "string" ? (req.body.google_key as string) : undefined;
    if (!sameSecret(key, b.profile.forms?.googleKey)) {
      ctx.metrics.webhooks.inc({ route: "google-ads", outcome: "rejected" });
      throw new AppError("forbidden", "google_key does not match this business's forms.googleKey");
    }
    const g = parseBody(ZGoogleLead, req.body);
    const { leadId, duplicate } = await recordLeadEvent(ctx, b, "google-ads", g.lead_id, {
      channel: "google-ads",
      lead: leadFromGoogle(g),
      explicitSource: "google-ads",
      isTest: g.is_test === true,
    });
    ctx.metrics.webhooks.inc({ route: "google-ads", outcome: duplicate ? "duplicate" : "stored" });
    res.status(200).json({ leadId }); // Google retries anything but a 200
  });

  return r;
}

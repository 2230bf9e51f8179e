// Meta sends only ids; the lead's answers come from the Graph API with the page access token.
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { normalizeFormFields, type FormLead } from "../forms/normalize-form-fields.ts";

const ZGraphLead = z.looseObject({
  id: z.string(),
  created_time: z.string().optional(),
  ad_id: z.string().optional(),
  form_id: z.string().optional(),
  campaign_id: z.string().optional(),
  is_organic: z.boolean().optional(),
  field_data: z.array(z.object({ name: z.string(), values: z.array(z.string()) })).default([]),
});

export class GraphApiError extends Error {}

export async function fetchMetaLead(ctx: Ctx, business: BusinessRef, leadgenId: string): Promise<FormLead> {
  const meta = business.profile.meta;
  if (!meta) throw new GraphApiError(`business ${business.slug} has no meta settings`);
  const url = new URL(`${ctx.env.FACEBOOK_GRAPH_URL.replace(/\/+$/, "")}/${encodeURIComponent(leadgenId)}`);
  url.searchParams.set("fields", "id,created_time,ad_id,form_id,campaign_id,is_organic,field_data");
  url.searchParams.set("access_token", meta.pageAccessToken);
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new GraphApiError(`Graph API ${res.status} for lead ${leadgenId}: ${(await res.text()).slice(0, 300)}`);
  const g = ZGraphLead.parse(await res.json());
  const body: Record<string, string> = {};
  for (const f of g.field_data) if (f.values[0]) body[f.name] = f.values.join(", ");
  const lead = normalizeFormFields(body);
  return { ...lead, id: g.id, attribution: { ...lead.attribution, formId: g.form_id, adId: g.ad_id, campaignId: g.campaign_id } };
}

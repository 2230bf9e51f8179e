// Google Ads lead form extension webhook: Google's own payload shape.
import { z } from "zod";
import type { FormLead } from "./normalize-form-fields.ts";
import { normalizeFormFields } from "./normalize-form-fields.ts";

const ZId = z.union([z.string(), z.number()]).transform(String);

export const ZGoogleLead = z.looseObject({
  lead_id: z.string().min(1).max(500),
  user_column_data: z
    .array(z.looseObject({ column_id: z.string().optional(), column_name: z.string().optional(), string_value: z.string().max(5000).optional() }))
    .max(200),
  api_version: z.string().optional(),
  form_id: ZId.optional(),
  campaign_id: ZId.optional(),
  adgroup_id: ZId.optional(),
  creative_id: ZId.optional(),
  gcl_id: z.string().max(500).optional(),
  google_key: z.string(),
  is_test: z.boolean().optional(),
});
export type TGoogleLead = z.infer<typeof ZGoogleLead>;

const COLUMN_TO_FIELD: Record<string, string> = {
  FULL_NAME: "name",
  FIRST_NAME: "first_name",
  LAST_NAME: "last_name",
  PHONE_NUMBER: "phone",
  EMAIL: "email",
  POSTAL_CODE: "zip",
};

/** Google's columns → our lead shape; questions we don't map stay under their Google names. */
export function leadFromGoogle(g: TGoogleLead): FormLead {
  const body: Record<string, string> = {};
  for (const c of g.user_column_data) {
    if (!c.string_value) continue;
    const field = c.column_id ? COLUMN_TO_FIELD[c.column_id] : undefined;
    body[field ?? c.column_name ?? c.column_id ?? "answer"] = c.string_value;
  }
  const lead = normalizeFormFields(body);
  return { ...lead, id: g.lead_id, attribution: { ...lead.attribution, gclid: g.gcl_id, formId: g.form_id, campaignId: g.campaign_id, adId: g.creative_id } };
}

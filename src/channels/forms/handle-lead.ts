import { z } from "zod";
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { fetchMetaLead } from "../meta/fetch-meta-lead.ts";
import type { StoredEvent } from "../../inbox/stored-event.ts";
import { captureLead } from "./capture-lead.ts";
import type { LeadEventPayload } from "./form-routes.ts";

// the route built this payload; check its shape at the job edge anyway
const ZLeadEvent = z.looseObject({
  leadId: z.string().min(1),
  channel: z.enum(["form", "google-ads", "meta"]),
  lead: z.looseObject({ consent: z.boolean(), attribution: z.looseObject({}), extra: z.record(z.string(), z.string()) }),
  explicitSource: z.string().optional(),
  isTest: z.boolean().optional(),
  leadgenId: z.string().optional(),
});

/** A form, Google Ads or Meta lead: Meta's details are fetched from the Graph API first. */
export async function handleLead(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  const p = ZLeadEvent.parse(event.payload) as LeadEventPayload;
  // A Graph API failure throws: the job retries with backoff, the lead waits, nothing is lost.
  const lead = p.channel === "meta" ? await fetchMetaLead(ctx, business, p.leadgenId ?? "") : p.lead;
  await captureLead(ctx, business, {
    leadId: p.leadId,
    eventId: event.id,
    channel: p.channel,
    lead,
    explicitSource: p.explicitSource,
    externalId: lead.id,
    isTest: p.isTest,
    receivedAt: event.receivedAt,
  });
}

import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import type { LeadEventPayload } from "../channels/forms/form-routes.ts";
import { fetchMetaLead } from "../channels/meta/fetch-meta-lead.ts";
import { captureLead } from "./capture-lead.ts";
import type { StoredEvent } from "./process-inbound-event.ts";

/** A form, Google Ads or Meta lead: Meta's details are fetched from the Graph API first. */
export async function handleLeadEvent(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  const p = event.payload as unknown as LeadEventPayload;
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

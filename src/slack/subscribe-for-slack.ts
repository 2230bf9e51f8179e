// What every Slack subscriber of the event stream shares: durable and in order, never skipping
// while Slack is down or rate limiting (waits up to 30 s between tries), only for businesses with
// Slack set up, and a post Slack refuses outright (bot not in the channel, a bad channel id) is
// logged and passed: waiting cannot fix it, and holding the stream would stop every other business.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import type { DomainEvent, DomainEventType } from "../events/domain-event.ts";
import { SlackRefusedError } from "./slack-api.ts";

export function subscribeForSlack(
  ctx: Ctx,
  s: { name: string; types: DomainEventType[]; handle(business: BusinessRef, e: DomainEvent): Promise<void> },
): Promise<() => Promise<void>> {
  return ctx.events.subscribe({
    name: s.name,
    durable: true,
    types: s.types,
    maxAttempts: Infinity,
    maxRetryMs: 30_000,
    async handle(e) {
      const business = await ctx.directory.byId(e.businessId);
      if (!business?.profile.slack) return;
      try {
        await s.handle(business, e);
      } catch (err) {
        if (!(err instanceof SlackRefusedError)) throw err;
        ctx.log.error({ subscriber: s.name, businessId: business.id, seq: e.seq.toString(), type: e.type, err: err.message }, "Slack refused a post; skipped");
      }
    },
  });
}

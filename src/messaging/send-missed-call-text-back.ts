// Missed call ⇒ one text from the number they called, once per caller per textBack.windowMinutes
// (three tries in a row = one text), never to an opted-out contact.
import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { renderTemplate } from "../agent/render-template.ts";
import { newId } from "../lib/new-id.ts";
import { normalizeGsm7 } from "./normalize-gsm7.ts";
import { deliverNow, queueDelivery } from "./send-message.ts";

export interface TextBackInput {
  business: BusinessRef;
  contactId: string;
  conversationId: string;
  callSid: string;
  /** the caller */
  to: string;
  /** the business number they called */
  from: string;
  /** when the webhook that made the call "missed" arrived (for the latency histogram) */
  receivedAt: Date;
}

export type TextBackResult = "queued" | "already-sent" | "within-window" | "opted-out" | "disabled";

export async function sendMissedCallTextBack(ctx: Ctx, t: TextBackInput): Promise<TextBackResult> {
  const cfg = t.business.profile.textBack;
  if (!cfg.enabled) return "disabled";
  const dedupeKey = `textback-${t.callSid}`;
  const now = ctx.now();
  const cutoff = new Date(now.getTime() - cfg.windowMinutes * 60_000);
  const sms = normalizeGsm7(renderTemplate(cfg.template ?? ctx.templates.textBack, { business: t.business.profile.name }));
  // One statement, one round trip (this is the speed-to-lead path): claim the caller's window and
  // write the queued message together. The UPDATE's WHERE repeats every condition, so of two
  // concurrent missed calls from one caller exactly one inserts; the dedupe key makes a re-run of
  // the same call insert nothing.
  const inserted = await ctx.prisma.$queryRaw<{ id: string }[]>`
    WITH claim AS (
      UPDATE "Contact" SET "lastTextBackAt" = ${now}
      WHERE "id" = ${t.contactId} AND "businessId" = ${t.business.id} AND "optedOutAt" IS NULL
        AND ("lastTextBackAt" IS NULL OR "lastTextBackAt" <= ${cutoff})
        AND NOT EXISTS (SELECT 1 FROM "Message" WHERE "dedupeKey" = ${dedupeKey})
      RETURNING "id"
    )
    INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body",
      "status", "segments", "encoding", "fromNumber", "toNumber", "purpose", "dedupeKey", "updatedAt")
    SELECT ${newId()}, ${t.business.id}, ${t.conversationId}, claim."id", 'outbound', 'sms', 'template', ${sms.body},
      'queued', ${sms.segments}, ${sms.encoding}, ${t.from}, ${t.to}, 'textback', ${dedupeKey}, now()
    FROM claim
    ON CONFLICT ("dedupeKey") DO NOTHING
    RETURNING "id"`;
  let outcome: TextBackResult;
  if (inserted[0]) {
    const { handedToProvider } = await deliverNow(ctx, inserted[0].id);
    if (handedToProvider) ctx.metrics.textBackLatency.observe((Date.now() - t.receivedAt.getTime()) / 1000);
    outcome = "queued";
  } else {
    const prior = await ctx.prisma.message.findUnique({ where: { dedupeKey }, select: { id: true, status: true } });
    if (prior) {
      // A re-run after a crash: still queued ⇒ send it; caught mid-send ⇒ the delivery job marks
      // it unknown (never resent blindly).
      if (prior.status === "queued" || prior.status === "sending") await queueDelivery(ctx, prior.id);
      outcome = "already-sent";
    } else {
      const c = await ctx.prisma.contact.findUnique({ where: { id: t.contactId }, select: { optedOutAt: true } });
      outcome = c?.optedOutAt ? "opted-out" : "within-window";
    }
  }
  ctx.log.info({ callSid: t.callSid, outcome }, "missed-call text-back");
  return outcome;
}

// Missed call ⇒ one text from the number they called, once per caller per textBack.windowMinutes
// (three tries in a row = one text), never to an opted-out contact.
import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { renderTemplate } from "../agent/render-template.ts";
import { queueDelivery, recordOutbound } from "./send-message.ts";

export interface TextBackInput {
  business: BusinessRef;
  contactId: string;
  conversationId: string;
  callSid: string;
  /** the caller */
  to: string;
  /** the business number they called */
  from: string;
}

export type TextBackResult = "queued" | "already-sent" | "within-window" | "opted-out" | "disabled";

export async function sendMissedCallTextBack(ctx: Ctx, t: TextBackInput): Promise<TextBackResult> {
  const cfg = t.business.profile.textBack;
  if (!cfg.enabled) return "disabled";
  const dedupeKey = `textback-${t.callSid}`;
  const now = ctx.now();
  const result = await ctx.prisma.$transaction(async (tx) => {
    const prior = await tx.message.findUnique({ where: { dedupeKey }, select: { id: true, status: true } });
    if (prior) return { outcome: "already-sent" as const, prior };
    // Claim the window atomically: the UPDATE's WHERE repeats every condition, so of two
    // concurrent missed calls from one caller exactly one gets count === 1.
    const claimed = await tx.contact.updateMany({
      where: {
        id: t.contactId,
        businessId: t.business.id,
        optedOutAt: null,
        OR: [{ lastTextBackAt: null }, { lastTextBackAt: { lte: new Date(now.getTime() - cfg.windowMinutes * 60_000) } }],
      },
      data: { lastTextBackAt: now },
    });
    if (claimed.count === 0) {
      const c = await tx.contact.findUnique({ where: { id: t.contactId }, select: { optedOutAt: true } });
      return { outcome: c?.optedOutAt ? ("opted-out" as const) : ("within-window" as const) };
    }
    const msg = await recordOutbound(tx, {
      businessId: t.business.id,
      conversationId: t.conversationId,
      contactId: t.contactId,
      to: t.to,
      from: t.from,
      body: renderTemplate(cfg.template ?? ctx.templates.textBack, { business: t.business.profile.name }),
      author: "template",
      purpose: "textback",
      dedupeKey,
    });
    return { outcome: "queued" as const, prior: msg };
  });
  // A re-run after a crash between commit and queueing re-queues the same row (jobId = row id).
  if (result.prior?.status === "queued") await queueDelivery(ctx, result.prior.id);
  ctx.log.info({ callSid: t.callSid, outcome: result.outcome }, "missed-call text-back");
  return result.outcome;
}

// Missed call ⇒ one text from the number they called, once per caller per textBack.windowMinutes
// (three tries in a row = one text), never to an opted-out contact. Through the one door out, on
// its fast path: a reply to the call, written in one statement that also claims the caller's window.
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { renderTemplate } from "../../lib/render-template.ts";
import { sendMessage } from "../../messaging/send-message.ts";

export interface TextBackInput {
  business: BusinessRef;
  contactId: string;
  conversationId: string;
  callSid: string;
  /** the caller */
  to: string;
  /** the business number they called */
  from: string;
  /** when the webhook that made the call "missed" arrived */
  receivedAt: Date;
}

export type TextBackResult = "queued" | "already-sent" | "within-window" | "opted-out" | "disabled";

export async function sendMissedCallTextBack(ctx: Ctx, t: TextBackInput): Promise<TextBackResult> {
  const cfg = t.business.profile.textBack;
  if (!cfg.enabled) return "disabled";
  const now = ctx.clock.now();
  const msg = await sendMessage(ctx, {
    businessId: t.business.id,
    conversationId: t.conversationId,
    contactId: t.contactId,
    to: t.to,
    from: t.from,
    body: renderTemplate(cfg.template ?? ctx.templates.textBack, { business: t.business.profile.name }),
    author: "template",
    purpose: "textback",
    // the homeowner just called: the text answers that call, whatever the hour
    kind: "reply",
    replyToAt: t.receivedAt,
    dedupeKey: `textback-${t.callSid}`,
    oncePerContactSince: new Date(now.getTime() - cfg.windowMinutes * 60_000),
    immediate: true,
  });
  let outcome: TextBackResult;
  if (msg?.created) {
    if (msg.handedToProvider) ctx.metrics.textBackLatency.observe((ctx.clock.now().getTime() - t.receivedAt.getTime()) / 1000);
    outcome = "queued";
  } else if (msg) {
    outcome = "already-sent";
  } else {
    const c = await ctx.prisma.contact.findUnique({ where: { id: t.contactId }, select: { optedOutAt: true } });
    outcome = c?.optedOutAt ? "opted-out" : "within-window";
  }
  ctx.log.info({ callSid: t.callSid, outcome }, "missed-call text-back");
  return outcome;
}

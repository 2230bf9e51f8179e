// Twilio messaging webhooks: inbound SMS/MMS and outbound status callbacks. Verify, record once,
// queue, answer in milliseconds.
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import { recordInboundEventOrJournal } from "../../inbox/record-inbound-event.ts";
import { parseBody } from "../../lib/parse-body.ts";
import { EMPTY_MESSAGING_TWIML } from "./build-twiml.ts";
import { ZMessageStatus } from "../../messaging/providers/twilio-message-status.ts";
import { ZTwilioSms } from "./twilio-schemas.ts";
import { verifyTwilioSignature } from "./verify-twilio-signature.ts";

const ZStatusQuery = z.object({
  m: z
    .string()
    .regex(/^[a-z0-9]{20,40}$/, "must be a message id")
    .optional(),
});

export function messagingRoutes(ctx: Ctx): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: "64kb" });

  r.post("/webhooks/twilio/sms", form, verifyTwilioSignature(ctx, "sms"), async (req: Request, res: Response) => {
    const p = parseBody(ZTwilioSms, req.body);
    const business = await ctx.directory.byNumber(p.To);
    const { duplicate } = await recordInboundEventOrJournal(ctx, {
      provider: "twilio",
      kind: "sms",
      externalId: p.MessageSid,
      businessId: business?.id ?? null,
      payload: req.body as Record<string, unknown>,
      ...(business ? {} : { finalStatus: "ignored" as const }),
    });
    ctx.metrics.webhooks.inc({ route: "sms", outcome: !business ? "unrouted" : duplicate ? "duplicate" : "stored" });
    res.type("text/xml").send(EMPTY_MESSAGING_TWIML);
  });

  r.post("/webhooks/twilio/status", form, verifyTwilioSignature(ctx, "status"), async (req: Request, res: Response) => {
    const q = parseBody(ZStatusQuery, req.query);
    const p = parseBody(ZMessageStatus, req.body);
    const { duplicate } = await recordInboundEventOrJournal(ctx, {
      provider: "twilio",
      kind: "status",
      externalId: `status-${p.MessageSid}-${p.MessageStatus}`,
      businessId: null,
      payload: { ...(req.body as Record<string, unknown>), ...(q.m ? { messageId: q.m } : {}) },
    });
    ctx.metrics.webhooks.inc({ route: "status", outcome: duplicate ? "duplicate" : "stored" });
    res.status(204).end();
  });

  return r;
}

// Twilio voice webhooks. The phone always rings through: TwiML is built from the in-memory
// business directory, and storing the event is bounded in time, so a database or Redis outage
// degrades to "forward the call" rather than silence.
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { recordInboundEventOrJournal, type InboundEventInput } from "../../inbox/record-inbound-event.ts";
import { parseBody } from "../../lib/parse-body.ts";
import { ZSlugValue } from "../../lib/schemas.ts";
import { withTimeout } from "../../lib/with-timeout.ts";
import { isWithinHours } from "../../scheduling/is-within-hours.ts";
import { dialTwiml, relayTwiml, sayTwiml, screenTwiml, voicemailTwiml } from "./build-twiml.ts";
import { ZDialStatus, ZRecording, ZTwilioCall } from "./twilio-schemas.ts";
import { verifyTwilioSignature } from "./verify-twilio-signature.ts";

const STORE_TIMEOUT_MS = 2000;
const ZParent = z.object({ parent: z.string().regex(/^CA[0-9a-zA-Z]{32}$/, "must be a Twilio CallSid") });
const ZScreen = ZParent.extend({ b: ZSlugValue.optional() });

export function voiceRoutes(ctx: Ctx): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: "64kb" });
  const base = ctx.env.PUBLIC_BASE_URL;
  const twiml = (res: Response, xml: string) => res.type("text/xml").send(xml);

  async function lookup(to: string): Promise<BusinessRef | undefined> {
    try {
      return await ctx.directory.byNumber(to);
    } catch (e) {
      ctx.log.error({ err: (e as Error).message }, "business directory unavailable");
      return undefined;
    }
  }

  /** Stores the event but never lets a slow or dead database hold up the caller. */
  async function store(route: string, e: InboundEventInput): Promise<void> {
    try {
      const { duplicate, journaled } = await recordInboundEventOrJournal(ctx, e, STORE_TIMEOUT_MS);
      ctx.metrics.webhooks.inc({ route, outcome: journaled ? "journaled" : duplicate ? "duplicate" : "stored" });
    } catch (err) {
      // not even the local disk took it: the caller is still rung through
      ctx.metrics.webhooks.inc({ route, outcome: "error" });
      ctx.log.error({ err: (err as Error).message, externalId: e.externalId }, "call event not stored; answering anyway");
    }
  }

  function greeting(b: BusinessRef): string {
    return b.profile.voice.voicemailGreeting ?? ctx.templates.voicemailGreeting;
  }

  r.post("/webhooks/twilio/voice", form, verifyTwilioSignature(ctx, "voice"), async (req: Request, res: Response) => {
    const p = parseBody(ZTwilioCall, req.body);
    const business = await lookup(p.To);
    if (!business) {
      ctx.metrics.webhooks.inc({ route: "voice", outcome: "unrouted" });
      return twiml(res, sayTwiml("Sorry, this number is not in service."));
    }
    const prof = business.profile;
    const open = isWithinHours(prof.hours, prof.timezone, ctx.clock.now());
    const missedReason = prof.forwardTo.length === 0 ? "no-forward" : !open && !prof.voice.ringAfterHours ? "after-hours" : undefined;
    const ai = prof.voice.aiAnswer;
    // the AI picks up: every call, outside hours, or (when-missed) a call no one could be rung for
    const relay = ai === "always" || (ai === "after-hours" && !open) || (ai === "when-missed" && missedReason !== undefined);
    const xml = relay ? relayTwiml(base, business) : missedReason ? voicemailTwiml(base, greeting(business)) : dialTwiml(base, business, p.CallSid);
    await store("voice", {
      provider: "twilio",
      kind: "voice",
      externalId: `voice-${p.CallSid}`,
      businessId: business.id,
      payload: { ...req.body, ...(relay ? { relay: true } : missedReason ? { missedReason } : {}) },
    });
    twiml(res, xml);
  });

  r.post("/webhooks/twilio/voice/dial-status", form, verifyTwilioSignature(ctx, "dial-status"), async (req: Request, res: Response) => {
    const p = parseBody(ZDialStatus, req.body);
    const business = await lookup(p.To);
    if (!business) {
      ctx.metrics.webhooks.inc({ route: "dial-status", outcome: "unrouted" });
      return twiml(res, sayTwiml(undefined));
    }
    let missed = p.DialCallStatus !== "completed" && p.DialCallStatus !== "answered";
    if (!missed) {
      // With screening, "completed" only means a phone picked up; a person must also have pressed a key.
      try {
        const accepted = await withTimeout(
          ctx.prisma.inboundEvent.findUnique({
            where: { provider_externalId: { provider: "twilio", externalId: `screen-accept-${p.CallSid}` } },
            select: { id: true },
          }),
          STORE_TIMEOUT_MS,
        );
        missed = !accepted;
      } catch {
        missed = false; // cannot tell: do not text someone who may have just talked to us
      }
    }
    // no one picked up (the caller is still on the line): the AI answers instead of voicemail
    const relay = missed && business.profile.voice.aiAnswer === "when-missed" && ["no-answer", "busy", "failed"].includes(p.DialCallStatus);
    await store("dial-status", {
      provider: "twilio",
      kind: "dial-status",
      externalId: `dial-${p.CallSid}`,
      businessId: business.id,
      payload: { ...req.body, missed, ...(relay ? { relay: true } : {}) },
    });
    if (relay) return twiml(res, relayTwiml(base, business));
    twiml(res, missed && p.DialCallStatus !== "canceled" ? voicemailTwiml(base, greeting(business)) : sayTwiml(undefined));
  });

  r.post("/webhooks/twilio/voice/screen", form, verifyTwilioSignature(ctx, "screen"), async (req: Request, res: Response) => {
    const q = parseBody(ZScreen, req.query);
    const business = q.b ? await ctx.directory.bySlug(q.b).catch(() => undefined) : undefined;
    twiml(res, screenTwiml(base, q.parent, business?.profile.name ?? "the business"));
  });

  r.post("/webhooks/twilio/voice/screen/accept", form, verifyTwilioSignature(ctx, "screen-accept"), async (req: Request, res: Response) => {
    const q = parseBody(ZParent, req.query);
    await store("screen-accept", {
      provider: "twilio",
      kind: "screen-accept",
      externalId: `screen-accept-${q.parent}`,
      businessId: null,
      payload: req.body as Record<string, unknown>,
      finalStatus: "processed",
    });
    twiml(res, sayTwiml("Connecting.", false));
  });

  r.post("/webhooks/twilio/voice/recording", form, verifyTwilioSignature(ctx, "recording"), async (req: Request, res: Response) => {
    const p = parseBody(ZRecording, req.body);
    const body = req.body as Record<string, string>;
    let business = body.To ? await lookup(body.To) : undefined;
    if (!business) {
      const call = await ctx.prisma.call.findUnique({ where: { callSid: p.CallSid }, select: { businessId: true } });
      business = call ? await ctx.directory.byId(call.businessId) : undefined;
    }
    if (!business) {
      ctx.metrics.webhooks.inc({ route: "recording", outcome: "unrouted" });
      return twiml(res, sayTwiml(undefined));
    }
    const transcription = typeof p.TranscriptionSid === "string" && p.TranscriptionSid.length > 0;
    await store("recording", {
      provider: "twilio",
      kind: transcription ? "transcription" : "recording",
      externalId: transcription ? `tr-${p.TranscriptionSid}` : `rec-${p.RecordingSid}`,
      businessId: business.id,
      payload: body,
    });
    twiml(res, sayTwiml("Thank you. We will get back to you shortly. Goodbye."));
  });

  return r;
}

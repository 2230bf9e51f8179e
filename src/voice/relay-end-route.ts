// POST /webhooks/twilio/voice/relay-end (<Connect action>): the relay session ended. HandoffData
// asking for a transfer ⇒ <Dial> voice.transferTo (else forwardTo); otherwise <Hangup/>. A caller
// who never said anything (and whose socket is not still closing here) gets the text-back.
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { sayTwiml, transferTwiml } from "../channels/twilio/build-twiml.ts";
import { verifyTwilioSignature } from "../channels/twilio/verify-twilio-signature.ts";
import { parseBody } from "../lib/parse-body.ts";
import { liveRelayCalls } from "./attach-relay-server.ts";

import { textBackSilentCall } from "./text-back-silent-call.ts";

const ZRelayEnd = z.looseObject({
  CallSid: z.string().min(1).max(64),
  To: z.string().min(3).max(32).optional(),
  HandoffData: z.string().max(10_000).optional(),
  SessionStatus: z.string().optional(),
  SessionDuration: z.string().optional(),
});

export function relayEndRoute(ctx: Ctx): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: "64kb" });
  r.post("/webhooks/twilio/voice/relay-end", form, verifyTwilioSignature(ctx, "relay-end"), async (req: Request, res: Response) => {
    const p = parseBody(ZRelayEnd, req.body);
    const xml = (s: string) => res.type("text/xml").send(s);
    let business = p.To ? await ctx.directory.byNumber(p.To).catch(() => undefined) : undefined;
    if (!business) {
      const call = await ctx.prisma.call.findUnique({ where: { callSid: p.CallSid }, select: { businessId: true } });
      business = call ? await ctx.directory.byId(call.businessId) : undefined;
    }
    if (!business) {
      ctx.metrics.webhooks.inc({ route: "relay-end", outcome: "unrouted" });
      return xml(sayTwiml(undefined));
    }
    const transfer = wantsTransfer(p.HandoffData);
    ctx.metrics.webhooks.inc({ route: "relay-end", outcome: transfer ? "transfer" : "hangup" });
    if (transfer) return xml(transferTwiml(business));
    if (!liveRelayCalls.has(p.CallSid)) {
      await textBackSilentCall(ctx, business, p.CallSid).catch((e: Error) =>
        ctx.log.error({ err: e.message, callSid: p.CallSid }, "relay-end text-back check failed"),
      );
    }
    xml(sayTwiml(undefined));
  });
  return r;
}

/** The agent sends `end` only to hand the caller over: any HandoffData asks for a person unless it says `"transfer": false`. */
function wantsTransfer(raw: string | undefined): boolean {
  if (!raw?.trim()) return false;
  try {
    const data: unknown = JSON.parse(raw);
    return !(typeof data === "object" && data !== null && (data as { transfer?: unknown }).transfer === false);
  } catch {
    return true;
  }
}

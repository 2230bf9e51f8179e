import type { NextFunction, Request, Response } from "express";
import twilio from "twilio";
import type { Ctx } from "../../context.ts";

/**
 * Checks X-Twilio-Signature against PUBLIC_BASE_URL + the path Twilio called (behind Fly's proxy the
 * request itself looks like plain http). A bad or missing signature is 403 and nothing is stored.
 */
export function verifyTwilioSignature(ctx: Ctx, route: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const signature = req.header("x-twilio-signature");
    const url = ctx.env.PUBLIC_BASE_URL + req.originalUrl;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!signature || !twilio.validateRequest(ctx.twilioToken, signature, url, params)) {
      ctx.metrics.webhooks.inc({ route, outcome: "rejected" });
      res.status(403).type("text/plain").send("invalid Twilio signature");
      return;
    }
    next();
  };
}

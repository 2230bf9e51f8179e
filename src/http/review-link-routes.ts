// GET /r/:token — the tracked review link a review request carries. Records the click (and tells
// the sequence, which then sends no reminder), then redirects to the business's review page. The
// target is the URL stored with the link, never anything from the request: no open redirect.
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { emitEvent } from "../events/emit-event.ts";

const ZToken = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/) });

export function reviewLinkRoutes(ctx: Ctx): Router {
  const r = Router();
  r.get("/r/:token", async (req: Request, res: Response) => {
    const parsed = ZToken.safeParse(req.params);
    if (!parsed.success) {
      res.status(404).type("text/plain").send("This link is not valid.");
      return;
    }
    const at = ctx.clock.now();
    const link = await withTransaction(ctx.prisma, async (tx) => {
      const found = await tx.reviewLink.findUnique({ where: { token: parsed.data.token } });
      if (!found) return undefined;
      await tx.reviewLink.update({ where: { id: found.id }, data: { clicks: { increment: 1 }, firstClickedAt: found.firstClickedAt ?? at } });
      if (!found.firstClickedAt) {
        await emitEvent(tx, {
          businessId: found.businessId,
          type: "review.clicked",
          subject: found.contactId,
          at,
          payload: { reviewLinkId: found.id, contactId: found.contactId, enrollmentId: found.enrollmentId },
        });
      }
      return found;
    });
    if (!link) {
      res.status(404).type("text/plain").send("This link is not valid.");
      return;
    }
    ctx.events.poke();
    res.set("Cache-Control", "no-store").set("Referrer-Policy", "no-referrer").redirect(302, link.url);
  });
  return r;
}

// Opt-out and opt-in, with the who/how/when log carriers and the FCC expect.
import type { Ctx } from "../context.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { statusEventsSql } from "./set-message-status.ts";

export interface OptChange {
  businessId: string;
  contactId: string;
  /** keyword | natural-language | carrier-21610 | admin */
  reason: string;
  text?: string;
}

/** Opts the contact out: no text is sent to them again, and anything queued or scheduled is blocked. */
export async function recordOptOut(ctx: Pick<Ctx, "prisma" | "clock">, c: OptChange): Promise<void> {
  const now = ctx.clock.now();
  await withTransaction(ctx.prisma, async (tx) => {
    await tx.contact.updateMany({ where: { id: c.contactId, businessId: c.businessId, optedOutAt: null }, data: { optedOutAt: now } });
    await tx.optOutEvent.create({
      data: { businessId: c.businessId, contactId: c.contactId, action: "opt-out", reason: c.reason, text: c.text ?? null, createdAt: now },
    });
    await tx.consent.updateMany({ where: { contactId: c.contactId, businessId: c.businessId, revokedAt: null }, data: { revokedAt: now } });
    // web chat replies do not reach a phone: they still go
    await tx.$executeRawUnsafe(
      `WITH b AS (
        UPDATE "Message" SET "status" = 'blocked', "errorCode" = 'opted-out', "holdReason" = 'opted-out', "updatedAt" = $1::timestamp
        WHERE "contactId" = $2 AND "businessId" = $3 AND "status" IN ('queued', 'scheduled') AND "channel" <> 'webchat'
        RETURNING "id", "businessId", "conversationId", "contactId", "status", "errorCode"
      ) ${statusEventsSql("b", "$1")}`,
      now.toISOString(),
      c.contactId,
      c.businessId,
    );
  });
}

/** Opts the contact back in (START / UNSTOP / YES) and records consent to be texted. */
export async function recordOptIn(ctx: Pick<Ctx, "prisma" | "clock">, c: OptChange): Promise<void> {
  const now = ctx.clock.now();
  await withTransaction(ctx.prisma, async (tx) => {
    await tx.contact.updateMany({ where: { id: c.contactId, businessId: c.businessId }, data: { optedOutAt: null } });
    await tx.optOutEvent.create({
      data: { businessId: c.businessId, contactId: c.contactId, action: "opt-in", reason: c.reason, text: c.text ?? null, createdAt: now },
    });
    await tx.consent.create({
      data: { businessId: c.businessId, contactId: c.contactId, scope: "transactional", basis: "keyword", wording: c.text ?? null, grantedAt: now },
    });
  });
}

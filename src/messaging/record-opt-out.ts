// Opt-out and opt-in, with the who/how/when log carriers and the FCC expect.
import type { Ctx } from "../context.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { normalizeGsm7 } from "./normalize-gsm7.ts";
import { OPT_OUT_CONFIRMATION, recordOutboundSql, type RecordedRow } from "./record-outbound.ts";
import { statusEventsSql } from "./set-message-status.ts";

export interface OptChange {
  businessId: string;
  contactId: string;
  /** keyword | natural-language | carrier-21610 | admin */
  reason: string;
  text?: string;
}

/** The one text confirming an opt-out, answering the message that asked for it. */
export interface OptOutConfirmation {
  conversationId: string;
  to: string;
  from: string;
  body: string;
}

/**
 * Opts the contact out: no text is sent to them again, and anything queued or scheduled is blocked.
 * With `confirm`, the one confirmation text is written (queued) in the same transaction, only by the
 * call that actually opted the contact out: a second "stop texting me", two racing, or a retried job
 * write none. Returns its id for the caller to queue (the sweeper picks it up otherwise).
 */
export async function recordOptOut(ctx: Pick<Ctx, "prisma" | "clock">, c: OptChange & { confirm?: OptOutConfirmation }): Promise<{ confirmationId?: string }> {
  const now = ctx.clock.now();
  return withTransaction(ctx.prisma, async (tx) => {
    // the row lock taken here makes a racing opt-out wait and then find the contact opted out
    const flipped = await tx.contact.updateMany({ where: { id: c.contactId, businessId: c.businessId, optedOutAt: null }, data: { optedOutAt: now } });
    await tx.optOutEvent.create({
      data: { businessId: c.businessId, contactId: c.contactId, action: "opt-out", reason: c.reason, text: c.text ?? null, createdAt: now },
    });
    await tx.consent.updateMany({ where: { contactId: c.contactId, businessId: c.businessId, revokedAt: null }, data: { revokedAt: now } });
    // web chat replies do not reach a phone: they still go; so does the confirmation of an opt-out
    // that a racing message already made
    await tx.$executeRawUnsafe(
      `WITH b AS (
        UPDATE "Message" SET "status" = 'blocked', "errorCode" = 'opted-out', "holdReason" = 'opted-out', "updatedAt" = $1::timestamp
        WHERE "contactId" = $2 AND "businessId" = $3 AND "status" IN ('queued', 'scheduled') AND "channel" <> 'webchat'
          AND "purpose" IS DISTINCT FROM '${OPT_OUT_CONFIRMATION}'
        RETURNING "id", "businessId", "conversationId", "contactId", "status", "errorCode"
      ) ${statusEventsSql("b", "$1")}`,
      now.toISOString(),
      c.contactId,
      c.businessId,
    );
    if (flipped.count === 0 || !c.confirm) return {};
    const sms = normalizeGsm7(c.confirm.body);
    const { text, values } = recordOutboundSql({
      businessId: c.businessId,
      conversationId: c.confirm.conversationId,
      contactId: c.contactId,
      channel: "sms",
      author: "system",
      body: sms.body,
      media: undefined,
      status: "queued",
      holdReason: null,
      sendAt: null,
      segments: sms.segments,
      encoding: sms.encoding,
      from: c.confirm.from,
      to: c.confirm.to,
      purpose: OPT_OUT_CONFIRMATION,
      kind: "reply",
      consentScope: "transactional",
      dedupeKey: null,
      at: now,
    });
    const [row] = await tx.$queryRawUnsafe<RecordedRow[]>(text, ...values);
    return row ? { confirmationId: row.id } : {};
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

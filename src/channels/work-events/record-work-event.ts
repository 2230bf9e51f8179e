// Work done in a field-service tool (estimate sent/accepted/declined, job completed, invoice paid),
// stored once per (business, type, externalId) together with its `work.recorded` event, in one
// transaction: a repeat delivery finds the first row and changes nothing.
import { DateTime } from "luxon";
import { z } from "zod";
import type { BusinessRef } from "../../business/business-directory.ts";
import type { Prisma } from "../../db/open-database.ts";
import { withAdvisoryLock } from "../../db/with-advisory-lock.ts";
import { withTransaction } from "../../db/with-transaction.ts";
import { WORK_EVENT_TYPES } from "../../events/domain-event.ts";
import { emitEvent } from "../../events/emit-event.ts";
import { resolveContactTx } from "../../inbox/resolve-contact.ts";
import type { Clock } from "../../lib/clock.ts";

const US_ZIP = /^(\d{5})(-\d{4})?$/;

export const ZWorkEventBody = z.object({
  type: z.enum(WORK_EVENT_TYPES, { error: `must be one of ${WORK_EVENT_TYPES.join(", ")}` }),
  externalId: z.string().trim().min(1).max(200),
  contact: z
    .object({
      phone: z.string().trim().min(1).max(40).optional(),
      name: z.string().trim().min(1).max(200).optional(),
      email: z.email().max(320).optional(),
      zip: z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]$/, "must be a ZIP or postal code")
        .transform((zip) => US_ZIP.exec(zip)?.[1] ?? zip)
        .optional(),
    })
    .refine((c) => c.phone !== undefined || c.email !== undefined, "needs a phone or an email"),
  /** dollars */
  amount: z.number().finite().nonnegative().max(100_000_000).optional(),
  /** when it happened: an instant with its offset, or the business's own day (YYYY-MM-DD) */
  occurredAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO date-time with its offset, or YYYY-MM-DD" }).optional(),
});
export type TWorkEventBody = z.infer<typeof ZWorkEventBody>;

/** The body with its phone already in E.164 (the route knows the business's region). */
export type WorkEventInput = TWorkEventBody & { contact: { phone?: string | undefined } };

export async function recordWorkEvent(
  deps: { prisma: Prisma; clock: Clock },
  business: BusinessRef,
  e: WorkEventInput,
): Promise<{ workEventId: string; duplicate: boolean }> {
  const now = deps.clock.now();
  return withTransaction(deps.prisma, async (tx) => {
    // two deliveries of one event at once: the second waits here, then finds the first's row
    await withAdvisoryLock(tx, `work-event:${business.id}:${e.type}:${e.externalId}`);
    const prior = await tx.workEvent.findUnique({
      where: { businessId_type_externalId: { businessId: business.id, type: e.type, externalId: e.externalId } },
      select: { id: true },
    });
    if (prior) return { workEventId: prior.id, duplicate: true };

    const contact = await resolveContactTx(tx, { businessId: business.id, ...e.contact }, now);
    const lead = await tx.lead.findFirst({ where: { businessId: business.id, contactId: contact.id }, orderBy: { createdAt: "asc" }, select: { id: true } });
    const conversation = await tx.conversation.findFirst({ where: { businessId: business.id, contactId: contact.id, status: "open" }, select: { id: true } });
    const amountCents = e.amount === undefined ? null : Math.round(e.amount * 100);
    const row = await tx.workEvent.create({
      data: {
        businessId: business.id,
        type: e.type,
        externalId: e.externalId,
        contactId: contact.id,
        leadId: lead?.id ?? null,
        amountCents,
        payload: e,
        receivedAt: now,
      },
      select: { id: true },
    });
    if (e.type === "job.completed") {
      const day = jobDay(e.occurredAt, now, business.profile.timezone);
      await tx.$executeRaw`UPDATE "Contact" SET "lastJobDate" = ${day}::date, "updatedAt" = ${now}
        WHERE "id" = ${contact.id} AND ("lastJobDate" IS NULL OR "lastJobDate" < ${day}::date)`;
    }
    await emitEvent(tx, {
      businessId: business.id,
      type: "work.recorded",
      subject: conversation?.id ?? contact.id,
      at: now,
      payload: {
        workEventId: row.id,
        type: e.type,
        externalId: e.externalId,
        contactId: contact.id,
        conversationId: conversation?.id ?? null,
        leadId: lead?.id ?? null,
        amountCents,
      },
    });
    return { workEventId: row.id, duplicate: false };
  });
}

/** The business's own day the job was done on (YYYY-MM-DD). */
function jobDay(occurredAt: string | undefined, now: Date, zone: string): string {
  if (occurredAt && /^\d{4}-\d{2}-\d{2}$/.test(occurredAt)) return occurredAt;
  const at = occurredAt ? DateTime.fromISO(occurredAt, { setZone: true }) : DateTime.fromJSDate(now);
  return at.setZone(zone).toISODate()!;
}

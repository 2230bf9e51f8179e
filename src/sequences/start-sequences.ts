// Sequences plug into the event stream: triggers enroll, stop conditions end enrollments at once
// (and take back what they had waiting), a moved visit moves its reminders. A durable subscriber,
// so events that arrived while no worker ran are still applied, in order. The claim of each step
// re-checks every stop condition anyway, so a subscriber running behind can delay a stop, never
// let a stopped step through.
import type { TProfile } from "../config/profile-schema.ts";
import type { Ctx } from "../context.ts";
import { isEvent, type DomainEvent } from "../events/domain-event.ts";
import { enrollContact } from "./enroll-contact.ts";
import { planStep } from "./plan-step.ts";
import { allSequences, sequenceFor, sequencesTriggeredBy } from "./sequence-registry.ts";
import type { StopCondition, Trigger } from "./sequence-schema.ts";
import { stopEnrollments, withdrawPending } from "./stop-enrollments.ts";
import { preparedName } from "../db/prepared-name.ts";

const INBOUND_CHANNELS = ["sms", "mms", "webchat"];

const LEAD_SQL = `SELECT "id", "contactId", "conversationId", "channel", "isTest", "details" FROM "Lead" WHERE "id" = $1`;
const ACTIVE_SQL = `SELECT "id", "sequenceKey" FROM "Enrollment" WHERE "businessId" = $1 AND "contactId" = $2 AND "status" = 'active' AND "startedAt" < $3::timestamp`;

export async function startSequences(ctx: Ctx): Promise<() => Promise<void>> {
  for (const p of allSequences().problems) ctx.log.error({ file: p.file, line: p.line }, `sequence left out: ${p.message}`);
  return ctx.events.subscribe({
    name: "sequences",
    durable: true,
    // an enrolment missed is a reminder never sent: ride out a database outage of about an hour
    // (retries up to a minute apart) before an event is given up (and logged)
    maxAttempts: 60,
    maxRetryMs: 60_000,
    types: [
      "lead.updated",
      "work.recorded",
      "appointment.booked",
      "appointment.changed",
      "appointment.cancelled",
      "message.added",
      "conversation.assigned",
      "review.clicked",
    ],
    handle: (e) => applySequenceEvent(ctx, e),
  });
}

export async function applySequenceEvent(ctx: Ctx, e: DomainEvent): Promise<void> {
  const business = await ctx.directory.byId(e.businessId);
  if (!business) return;
  const profile = business.profile;
  const enroll = async (trigger: Trigger, x: Omit<Parameters<typeof enrollContact>[2], "businessId">, channel?: string) => {
    for (const seq of sequencesTriggeredBy(profile, trigger)) {
      if (channel && seq.trigger.channels && !seq.trigger.channels.includes(channel as never)) continue;
      await enrollContact(ctx, seq, { businessId: e.businessId, ...x });
    }
  };

  if (isEvent(e, "lead.updated")) {
    if (e.payload.change !== "created") return;
    // raw SQL: every new lead passes here (its row is read for what enrolment needs)
    const [lead] = await ctx.sql<{ id: string; contactId: string; conversationId: string | null; channel: string; isTest: boolean; details: unknown }>(
      LEAD_SQL,
      [e.payload.leadId],
      preparedName(LEAD_SQL),
    );
    if (!lead || lead.isTest) return;
    const service = (lead.details as { service?: unknown } | null)?.service;
    await enroll(
      "lead.created",
      {
        contactId: lead.contactId,
        conversationId: lead.conversationId,
        subjectKey: lead.id,
        anchorAt: e.at,
        context: typeof service === "string" ? { service } : {},
      },
      lead.channel,
    );
  } else if (isEvent(e, "work.recorded")) {
    const p = e.payload;
    const base = {
      contactId: p.contactId,
      conversationId: p.conversationId,
      subjectKey: p.externalId,
      anchorAt: e.at,
      context: { amountCents: p.amountCents },
    };
    if (p.type === "estimate.sent") await enroll("estimate.sent", base);
    if (p.type === "job.completed") await enroll("job.completed", base);
    const stops: Partial<Record<string, StopCondition>> = {
      "estimate.accepted": "estimate-accepted",
      "estimate.declined": "estimate-declined",
      "job.completed": "job-done",
    };
    const condition = stops[p.type];
    if (condition) await stopFor(ctx, profile, e, p.contactId, condition);
  } else if (isEvent(e, "appointment.booked")) {
    const p = e.payload;
    await stopFor(ctx, profile, e, p.contactId, "booked");
    await enroll("appointment.booked", {
      contactId: p.contactId,
      conversationId: p.conversationId,
      subjectKey: p.appointmentId,
      anchorAt: new Date(p.startAt),
      context: { serviceKey: p.serviceKey },
    });
  } else if (isEvent(e, "appointment.changed")) {
    await moveReminders(ctx, profile, e.businessId, e.payload.replacesId, e.payload.appointmentId, new Date(e.payload.startAt));
  } else if (isEvent(e, "appointment.cancelled")) {
    const ids = await ctx.prisma.enrollment.findMany({
      where: { businessId: e.businessId, subjectKey: e.payload.appointmentId, status: "active" },
      select: { id: true },
    });
    await stopEnrollments(
      ctx,
      ids.map((x) => x.id),
      "appointment-cancelled",
    );
  } else if (isEvent(e, "message.added")) {
    if (e.payload.direction === "inbound" && INBOUND_CHANNELS.includes(e.payload.channel)) await stopFor(ctx, profile, e, e.payload.contactId, "replied");
  } else if (isEvent(e, "conversation.assigned")) {
    if (e.payload.handledBy === "human") await stopFor(ctx, profile, e, e.payload.contactId, "human");
  } else if (isEvent(e, "review.clicked")) {
    if (e.payload.enrollmentId) await stopEnrollments(ctx, [e.payload.enrollmentId], "review-clicked");
  }
}

/** Ends the contact's enrollments that this condition stops (those started before the event). */
async function stopFor(ctx: Ctx, profile: TProfile, e: DomainEvent, contactId: string, condition: StopCondition): Promise<void> {
  // raw SQL: every inbound message passes here
  const active = await ctx.sql<{ id: string; sequenceKey: string }>(ACTIVE_SQL, [e.businessId, contactId, e.at.toISOString()], preparedName(ACTIVE_SQL));
  const ids = active.filter((x) => sequenceFor(profile, x.sequenceKey)?.stopWhen.includes(condition)).map((x) => x.id);
  await stopEnrollments(ctx, ids, condition);
}

/** A rescheduled visit: its reminders follow it (what was waiting for the old time is taken back). */
async function moveReminders(ctx: Ctx, profile: TProfile, businessId: string, oldId: string, newId: string, startAt: Date): Promise<void> {
  const now = ctx.clock.now();
  const rows = await ctx.prisma.enrollment.findMany({ where: { businessId, subjectKey: oldId, status: { in: ["active", "completed"] } } });
  for (const r of rows) {
    const seq = sequenceFor(profile, r.sequenceKey);
    if (!seq) continue;
    await withdrawPending(ctx, [r.id], "appointment-moved");
    const next = planStep(seq, 0, startAt, now, null);
    await ctx.prisma.enrollment.update({
      where: { id: r.id },
      data: {
        subjectKey: newId,
        anchorAt: startAt,
        step: next?.step ?? seq.steps.length,
        nextAt: next?.at ?? null,
        status: next ? "active" : "completed",
        endedAt: next ? null : now,
        lastSentAt: null,
        leaseUntil: null,
        updatedAt: now,
      },
    });
  }
}

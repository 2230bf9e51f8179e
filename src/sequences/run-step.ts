// Sends one due step of one enrollment, exactly once:
//   1. the step's local hours (inside the law's window, in the recipient's zones): too early ⇒ nextAt moves, nothing else;
//   2. the claim (claim-step.ts): a lost claim names the rule that failed and ends the enrollment with it;
//   3. the message (write-step.ts) through the one door (send policy again; dedupe key per step and
//      due time, so a retry after a crash finds the first message instead of writing a second);
//   4. the move to the next step (advance-step.ts), conditional on still being at this step.
// A crash anywhere leaves the lease to run out; the next sweep takes it from the top.
import type { Ctx } from "../context.ts";
import { findOrOpenConversation } from "../inbox/find-or-open-conversation.ts";
import { nextAllowedMoment, windowForStates } from "../messaging/policy/quiet-hours.ts";
import { resolveRecipientPlace } from "../messaging/policy/resolve-recipient-place.ts";
import { sendMessage } from "../messaging/send-message.ts";
import { advanceStep } from "./advance-step.ts";
import { claimStep } from "./claim-step.ts";
import { sequenceFor } from "./sequence-registry.ts";
import { stepWindow } from "./step-window.ts";
import { stopEnrollments, withdrawPending } from "./stop-enrollments.ts";
import { writeStep } from "./write-step.ts";

export type StepOutcome = "sent" | "postponed" | "skipped" | "stopped" | "not-due" | "lost";

export async function runStep(ctx: Ctx, enrollmentId: string): Promise<StepOutcome> {
  const now = ctx.clock.now();
  // one round trip for the enrollment, its contact and its conversation's number (the hot path of a campaign)
  const [e] = await ctx.prisma.$queryRawUnsafe<LoadedEnrollment[]>(
    `SELECT e."id", e."businessId", e."contactId", e."conversationId", e."sequenceKey", e."campaignId", e."status", e."step", e."nextAt",
       e."anchorAt", e."leaseUntil", e."lastSentAt", e."context",
       json_build_object('phone', c."phone", 'zip', c."zip", 'name', c."name", 'lastJobDate', c."lastJobDate") AS "contact",
       v."businessNumber"
     FROM "Enrollment" e JOIN "Contact" c ON c."id" = e."contactId" LEFT JOIN "Conversation" v ON v."id" = e."conversationId"
     WHERE e."id" = $1`,
    enrollmentId,
  );
  if (!e || e.status !== "active" || !e.nextAt || e.nextAt > now || (e.leaseUntil && e.leaseUntil > now)) return "not-due";
  const business = await ctx.directory.byId(e.businessId);
  const seq = business ? sequenceFor(business.profile, e.sequenceKey) : undefined;
  const step = seq?.steps[e.step];
  if (!business || !seq || !step) return stop(ctx, e.id, "sequence-off");
  const profile = business.profile;
  if (!e.contact.phone) return stop(ctx, e.id, "no-phone");
  if (seq.trigger.event === "job.completed" && step.template.includes("review_link") && !profile.reviewUrl) return stop(ctx, e.id, "no-review-url");

  // 1. the step's own hours, in every zone the recipient may be in
  const place = resolveRecipientPlace({ zip: e.contact.zip, phone: e.contact.phone, businessZone: profile.timezone });
  const window = stepWindow(windowForStates(place.states, profile.compliance.quietHours), step);
  const allowed = nextAllowedMoment(now, place.zones, window);
  if (allowed > now) {
    if (step.before !== undefined && allowed >= e.anchorAt) return advanceStep(ctx, e, seq, now, false);
    await ctx.prisma.$executeRawUnsafe(
      `UPDATE "Enrollment" SET "nextAt" = $4::timestamp, "updatedAt" = $5::timestamp WHERE "id" = $1 AND "status" = 'active' AND "step" = $2 AND "nextAt" = $3::timestamp`,
      e.id,
      e.step,
      e.nextAt.toISOString(),
      allowed.toISOString(),
      now.toISOString(),
    );
    return "postponed";
  }

  // 2. the claim
  const claim = await claimStep(ctx, e, seq, now);
  if (claim.kind === "stop") return stop(ctx, e.id, claim.reason);
  if (claim.kind === "lost") return "lost"; // another worker has it, or a paused campaign holds it

  // 3. the message
  let conversationId = e.conversationId;
  let businessNumber = e.businessNumber;
  if (!conversationId) {
    // a campaign's contact may never have written: open their conversation, and keep it for the next step
    const { conversation } = await findOrOpenConversation(ctx.prisma, {
      businessId: e.businessId,
      contactId: e.contactId,
      businessNumber: profile.phoneNumbers[0],
      at: now,
    });
    conversationId = conversation.id;
    businessNumber = conversation.businessNumber;
    await ctx.prisma.$executeRawUnsafe(`UPDATE "Enrollment" SET "conversationId" = $2 WHERE "id" = $1`, e.id, conversationId);
  }
  const from = businessNumber ?? profile.phoneNumbers[0];
  if (!from) return stop(ctx, e.id, "no-number");
  const text = await writeStep(ctx, { enrollment: e, conversationId, profile, sequence: seq, step });
  const msg = await sendMessage(ctx, {
    businessId: e.businessId,
    conversationId,
    contactId: e.contactId,
    to: e.contact.phone,
    from,
    body: text.body,
    author: text.author,
    purpose: e.campaignId ? "campaign" : "sequence",
    kind: "step",
    scope: seq.purpose,
    topic: e.campaignId ?? seq.key,
    enrollmentId: e.id,
    dedupeKey: `seq:${e.id}:${e.step}:${e.nextAt.getTime()}`,
  });
  if (msg.status === "blocked") {
    const row = await ctx.prisma.message.findUnique({ where: { id: msg.id }, select: { holdReason: true } });
    return stop(ctx, e.id, row?.holdReason ?? "blocked");
  }
  const outcome = await advanceStep(ctx, e, seq, now, true);
  // a stop that landed while this step was being written must still take it back
  if (outcome === "lost") await withdrawPending(ctx, [e.id], "sequence-stopped");
  return outcome === "lost" ? "stopped" : outcome;
}

interface LoadedEnrollment {
  id: string;
  businessId: string;
  contactId: string;
  conversationId: string | null;
  sequenceKey: string;
  campaignId: string | null;
  status: string;
  step: number;
  nextAt: Date | null;
  anchorAt: Date;
  leaseUntil: Date | null;
  lastSentAt: Date | null;
  context: unknown;
  /** json_build_object: dates arrive as "YYYY-MM-DD" */
  contact: { phone: string | null; zip: string | null; name: string | null; lastJobDate: string | null };
  businessNumber: string | null;
}

async function stop(ctx: Ctx, id: string, reason: string): Promise<StepOutcome> {
  await stopEnrollments(ctx, [id], reason);
  return "stopped";
}

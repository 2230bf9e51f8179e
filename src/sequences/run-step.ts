// Sends one due step of one enrollment, exactly once:
//   1. the step's local hours (inside the law's window, in the recipient's zones): too early ⇒ nextAt moves, nothing else;
//   2. the claim: ONE conditional update repeating every eligibility rule (still active, this step,
//      due, not leased, not stopped by any of its conditions, campaign running, consent) — a lost
//      claim names the rule that failed and ends the enrollment with it;
//   3. the message through the one door (send policy again; dedupe key per step and due time, so a
//      retry after a crash finds the first message instead of writing a second);
//   4. the move to the next step, conditional on still being at this step.
// A crash anywhere leaves the lease to run out; the next sweep takes it from the top.
import { randomBytes } from "node:crypto";
import type { Ctx } from "../context.ts";
import { renderTemplate } from "../lib/render-template.ts";
import { findOrOpenConversation } from "../inbox/find-or-open-conversation.ts";
import { nextAllowedMoment, windowForStates } from "../messaging/policy/quiet-hours.ts";
import { stepWindow } from "./step-window.ts";
import { resolveRecipientPlace } from "../messaging/policy/resolve-recipient-place.ts";
import { sendMessage } from "../messaging/send-message.ts";
import { eligibilityRules } from "./eligibility-sql.ts";
import { planStep } from "./plan-step.ts";
import { sequenceFor } from "./sequence-registry.ts";
import type { Sequence } from "./sequence-schema.ts";
import { stepVariables, type StepFacts } from "./step-variables.ts";
import { stopEnrollments, withdrawPending } from "./stop-enrollments.ts";
import { writeStepWithAi } from "./write-step-with-ai.ts";

/** how long a worker holds a claimed step (a model call and a send fit easily) */
const LEASE_MS = 2 * 60_000;

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
    if (step.before !== undefined && allowed >= e.anchorAt) return advance(ctx, e, seq, now, false);
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
  const rules = eligibilityRules(seq);
  const claimed = await ctx.prisma.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE "Enrollment" e SET "leaseUntil" = $4::timestamp, "updatedAt" = $3::timestamp
     WHERE e."id" = $1 AND e."status" = 'active' AND e."step" = $2 AND e."nextAt" <= $3::timestamp
       AND (e."leaseUntil" IS NULL OR e."leaseUntil" <= $3::timestamp)
       AND ${rules.map((r) => r.sql).join("\n       AND ")}
     RETURNING e."id"`,
    e.id,
    e.step,
    now.toISOString(),
    new Date(now.getTime() + LEASE_MS).toISOString(),
  );
  if (claimed.length === 0) {
    const [why] = await ctx.prisma.$queryRawUnsafe<{ reason: string | null }[]>(
      `SELECT CASE ${rules.map((r, i) => `WHEN NOT (${r.sql}) THEN $${i + 2}`).join(" ")} ELSE NULL END AS "reason" FROM "Enrollment" e WHERE e."id" = $1`,
      e.id,
      ...rules.map((r) => r.reason ?? "waiting"),
    );
    if (why?.reason && why.reason !== "waiting") return stop(ctx, e.id, why.reason);
    return "lost"; // another worker has it, or a paused campaign holds it
  }

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
  const facts: StepFacts = {
    profile,
    contactName: e.contact.name,
    anchorAt: e.anchorAt,
    context: e.context as StepFacts["context"],
    lastJobDate: e.contact.lastJobDate ? new Date(`${e.contact.lastJobDate}T00:00:00Z`) : null,
    reviewLink: step.template.includes("review_link") ? await reviewLinkFor(ctx, e, profile.reviewUrl!) : undefined,
  };
  const filled = renderTemplate(step.template, stepVariables(facts));
  const text = step.ai
    ? await writeStepWithAi(ctx, { profile, instructions: step.ai, fallback: filled, ...(await historyOf(ctx, conversationId)) })
    : { body: filled, author: "template" as const };
  const msg = await sendMessage(ctx, {
    businessId: e.businessId,
    conversationId,
    contactId: e.contactId,
    to: e.contact.phone,
    from,
    body: text.body,
    author: text.author,
    purpose: e.campaignId ? "campaign" : "sequence",
    kind: "proactive",
    scope: seq.purpose,
    topic: e.campaignId ?? seq.key,
    enrollmentId: e.id,
    dedupeKey: `seq:${e.id}:${e.step}:${e.nextAt.getTime()}`,
  });
  if (msg.status === "blocked") {
    const row = await ctx.prisma.message.findUnique({ where: { id: msg.id }, select: { holdReason: true } });
    return stop(ctx, e.id, row?.holdReason ?? "blocked");
  }
  const outcome = await advance(ctx, e, seq, now, true);
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

async function advance(
  ctx: Ctx,
  e: { id: string; step: number; anchorAt: Date; lastSentAt: Date | null },
  seq: Sequence,
  now: Date,
  sent: boolean,
): Promise<StepOutcome> {
  const lastSentAt = sent ? now : e.lastSentAt;
  const next = planStep(seq, e.step + 1, e.anchorAt, now, lastSentAt);
  const moved = await ctx.prisma.$executeRawUnsafe(
    `UPDATE "Enrollment" SET "step" = $3, "nextAt" = $4::timestamp, "status" = $5, "endedAt" = $6::timestamp, "lastSentAt" = $7::timestamp,
       "leaseUntil" = NULL, "updatedAt" = $8::timestamp
     WHERE "id" = $1 AND "step" = $2 AND "status" = 'active'`,
    e.id,
    e.step,
    next?.step ?? seq.steps.length,
    next?.at.toISOString() ?? null,
    next ? "active" : "completed",
    next ? null : now.toISOString(),
    lastSentAt?.toISOString() ?? null,
    now.toISOString(),
  );
  if (moved === 0) return "lost"; // stopped (or moved) meanwhile
  return sent ? "sent" : "skipped";
}

async function stop(ctx: Ctx, id: string, reason: string): Promise<StepOutcome> {
  await stopEnrollments(ctx, [id], reason);
  return "stopped";
}

/** one tracked link per enrollment: the reminder reuses the request's link */
async function reviewLinkFor(ctx: Ctx, e: { id: string; businessId: string; contactId: string }, url: string): Promise<string> {
  const link = await ctx.prisma.reviewLink.upsert({
    where: { enrollmentId: e.id },
    create: {
      businessId: e.businessId,
      contactId: e.contactId,
      enrollmentId: e.id,
      token: randomBytes(12).toString("base64url"),
      url,
      createdAt: ctx.clock.now(),
    },
    update: {},
  });
  return `${ctx.env.PUBLIC_BASE_URL}/r/${link.token}`;
}

async function historyOf(ctx: Ctx, conversationId: string): Promise<{ history: { direction: string; body: string }[]; firstAiMessage: boolean }> {
  const recent = await ctx.prisma.message.findMany({
    where: { conversationId, channel: { in: ["sms", "mms", "webchat"] } },
    orderBy: { createdAt: "desc" },
    take: 8,
    select: { direction: true, body: true },
  });
  const ai = await ctx.prisma.message.findFirst({ where: { conversationId, author: "ai" }, select: { id: true } });
  return { history: recent.reverse(), firstAiMessage: ai === null };
}

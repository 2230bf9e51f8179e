// A sent (or skipped) step moves its enrollment to the next step, or completes it — only if the
// enrollment is still active at this step (a stop or another worker that got there first wins).
import type { Ctx } from "../context.ts";
import { planStep } from "./plan-step.ts";
import type { Sequence } from "./sequence-schema.ts";

export type AdvanceOutcome = "sent" | "skipped" | "lost";

export async function advanceStep(
  ctx: Ctx,
  e: { id: string; step: number; anchorAt: Date; lastSentAt: Date | null },
  seq: Sequence,
  now: Date,
  sent: boolean,
): Promise<AdvanceOutcome> {
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

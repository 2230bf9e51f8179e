// Ends enrollments early and takes back what they had waiting (a step held by quiet hours or the
// daily cap, or still in the queue): a reply at 9 pm means the 8 am follow-up never goes.
import type { Ctx } from "../context.ts";
import { statusEventsSql } from "../messaging/set-message-status.ts";

type Deps = Pick<Ctx, "prisma" | "clock">;

/** Ids that were active and are now stopped. */
export async function stopEnrollments(ctx: Deps, ids: string[], reason: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const now = ctx.clock.now();
  const stopped = await ctx.prisma.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE "Enrollment" SET "status" = 'stopped', "reason" = $2, "endedAt" = $3::timestamp, "nextAt" = NULL, "leaseUntil" = NULL, "updatedAt" = $3::timestamp
     WHERE "id" = ANY($1::text[]) AND "status" = 'active' RETURNING "id"`,
    ids,
    reason,
    now.toISOString(),
  );
  await withdrawPending(ctx, ids, `sequence-${reason}`);
  return stopped.map((r) => r.id);
}

/**
 * Cancels the not-yet-sent messages of these enrollments, announced as message.status in the same
 * statement. Returns the enrollments that had one (their step did not reach the phone).
 */
export async function withdrawPending(ctx: Deps, enrollmentIds: string[], why: string): Promise<string[]> {
  if (enrollmentIds.length === 0) return [];
  const rows = await ctx.prisma.$queryRawUnsafe<{ enrollmentId: string }[]>(
    `WITH moved AS (
       UPDATE "Message" SET "status" = 'canceled', "errorCode" = $2, "updatedAt" = $3::timestamp
       WHERE "enrollmentId" = ANY($1::text[]) AND "status" IN ('scheduled', 'queued')
       RETURNING "id", "businessId", "conversationId", "contactId", "status", "errorCode", "enrollmentId"
     ), ev AS (${statusEventsSql("moved", "$3")})
     SELECT DISTINCT "enrollmentId" FROM moved`,
    enrollmentIds,
    why,
    ctx.clock.now().toISOString(),
  );
  return rows.map((r) => r.enrollmentId);
}

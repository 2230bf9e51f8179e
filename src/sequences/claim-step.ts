// The claim on one due step: ONE conditional update that repeats every eligibility rule (still
// active, this step, due, not leased, not stopped by any of its conditions, campaign running,
// consent). A lost claim names the rule that failed, so the caller can end the enrollment with it.
import type { Ctx } from "../context.ts";
import { eligibilityRules } from "./eligibility-sql.ts";
import type { Sequence } from "./sequence-schema.ts";

/** how long a worker holds a claimed step (a model call and a send fit easily) */
const LEASE_MS = 2 * 60_000;

export type Claim = { kind: "claimed" } | { kind: "stop"; reason: string } | { kind: "lost" };

export async function claimStep(ctx: Ctx, e: { id: string; step: number }, seq: Sequence, now: Date): Promise<Claim> {
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
  if (claimed.length > 0) return { kind: "claimed" };
  const [why] = await ctx.prisma.$queryRawUnsafe<{ reason: string | null }[]>(
    `SELECT CASE ${rules.map((r, i) => `WHEN NOT (${r.sql}) THEN $${i + 2}`).join(" ")} ELSE NULL END AS "reason" FROM "Enrollment" e WHERE e."id" = $1`,
    e.id,
    ...rules.map((r) => r.reason ?? "waiting"),
  );
  if (why?.reason && why.reason !== "waiting") return { kind: "stop", reason: why.reason };
  return { kind: "lost" };
}

// Starts one contact on one sequence about one subject, once: the unique (business, sequence,
// subject) key makes a redelivered event or a second worker a no-op.
import type { Ctx } from "../context.ts";
import { newId } from "../lib/new-id.ts";
import { planStep } from "./plan-step.ts";
import type { Sequence } from "./sequence-schema.ts";

export interface EnrollInput {
  businessId: string;
  contactId: string;
  conversationId: string | null;
  subjectKey: string;
  campaignId?: string | null;
  /** what step delays count from */
  anchorAt: Date;
  context?: Record<string, unknown>;
}

/** The enrollment id, or undefined when it already existed or nothing is left to send. */
export async function enrollContact(ctx: Pick<Ctx, "prisma" | "clock">, seq: Sequence, e: EnrollInput): Promise<string | undefined> {
  const now = ctx.clock.now();
  const first = planStep(seq, 0, e.anchorAt, now, null);
  if (!first) return undefined;
  const id = newId();
  const rows = await ctx.prisma.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO "Enrollment" ("id", "businessId", "contactId", "conversationId", "sequenceKey", "subjectKey", "campaignId", "status",
       "step", "nextAt", "anchorAt", "context", "startedAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9::timestamp, $10::timestamp, $11::jsonb, $12::timestamp, $12::timestamp)
     ON CONFLICT ("businessId", "sequenceKey", "subjectKey") DO NOTHING RETURNING "id"`,
    id,
    e.businessId,
    e.contactId,
    e.conversationId,
    seq.key,
    e.subjectKey,
    e.campaignId ?? null,
    first.step,
    first.at.toISOString(),
    e.anchorAt.toISOString(),
    JSON.stringify(e.context ?? {}),
    now.toISOString(),
  );
  return rows[0]?.id;
}

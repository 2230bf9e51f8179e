// Finds due steps in Postgres (the truth) and runs them. Driven by the process's sweep timer, never
// by a job stored in Redis: a Redis flush or a crashed worker only delays a step (its lease runs
// out), and every step is claimed by a conditional update, so concurrent sweeps in several
// processes cannot send one twice.
import type { Ctx } from "../context.ts";
import { wallMs } from "../lib/clock.ts";
import { runStep, type StepOutcome } from "./run-step.ts";

export interface SequenceSweep {
  due: number;
  sent: number;
  postponed: number;
  stopped: number;
}

const BATCH = 500;
const CONCURRENCY = 8;
/** a campaign is written at most this far ahead of what its numbers can send (opt-outs and pauses are seen at write time) */
const BACKLOG_SECONDS = 60;

/** Runs due steps until none is left or `budgetMs` of wall time is spent (the rest waits for the next sweep). */
export async function sweepSequences(ctx: Ctx, budgetMs = 10_000): Promise<SequenceSweep> {
  const r: SequenceSweep = { due: 0, sent: 0, postponed: 0, stopped: 0 };
  const started = wallMs();
  const seen = new Set<string>();
  const room = await campaignRoom(ctx);
  const full = new Set<string>([...room].filter(([, n]) => n <= 0).map(([b]) => b));
  for (;;) {
    const now = ctx.clock.now().toISOString();
    const due = (
      await ctx.prisma.$queryRawUnsafe<{ id: string; businessId: string; campaignId: string | null }[]>(
        `SELECT e."id", e."businessId", e."campaignId" FROM "Enrollment" e WHERE e."status" = 'active' AND e."nextAt" <= $1::timestamp
           AND (e."leaseUntil" IS NULL OR e."leaseUntil" <= $1::timestamp)
           AND NOT EXISTS (SELECT 1 FROM "Campaign" k WHERE k."id" = e."campaignId" AND k."status" <> 'running')
           AND NOT (e."campaignId" IS NOT NULL AND e."businessId" = ANY($3::text[]))
         ORDER BY e."nextAt" LIMIT $2`,
        now,
        BATCH,
        [...full],
      )
    ).filter((x) => !seen.has(x.id));
    if (due.length === 0) return r;
    let i = 0;
    const worker = async () => {
      while (i < due.length) {
        const row = due[i++]!;
        if (row.campaignId) {
          const left = room.get(row.businessId) ?? (await allowance(ctx, row.businessId, 0));
          if (left <= 0) {
            full.add(row.businessId); // the rest of this campaign waits for its sender to catch up
            continue;
          }
          room.set(row.businessId, left - 1);
        }
        seen.add(row.id);
        r.due++;
        let outcome: StepOutcome;
        try {
          outcome = await runStep(ctx, row.id);
        } catch (e) {
          ctx.log.warn({ enrollmentId: row.id, err: (e as Error).message }, "sequence step failed; the next sweep retries it");
          continue;
        }
        if (outcome === "sent") r.sent++;
        else if (outcome === "postponed") r.postponed++;
        else if (outcome === "stopped") r.stopped++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (wallMs() - started > budgetMs) return r;
  }
}

/** How many more campaign texts each business may write now: its numbers' minute of sending, less what is already queued. */
async function campaignRoom(ctx: Ctx): Promise<Map<string, number>> {
  const queued = await ctx.prisma.$queryRawUnsafe<{ businessId: string; n: bigint }[]>(
    `SELECT "businessId", count(*) AS "n" FROM "Message" WHERE "status" = 'queued' AND "purpose" = 'campaign' GROUP BY 1`,
  );
  const room = new Map<string, number>();
  for (const q of queued) room.set(q.businessId, await allowance(ctx, q.businessId, Number(q.n)));
  return room;
}

async function allowance(ctx: Ctx, businessId: string, queued: number): Promise<number> {
  const business = await ctx.directory.byId(businessId);
  const numbers = Math.max(1, business?.profile.phoneNumbers.length ?? 1);
  const perMinute = (business?.profile.messaging.mps ?? 1) * numbers * BACKLOG_SECONDS;
  return Math.max(50, Math.ceil(perMinute)) - queued;
}

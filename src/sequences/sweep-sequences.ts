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

/** Runs due steps until none is left or `budgetMs` of wall time is spent (the rest waits for the next sweep). */
export async function sweepSequences(ctx: Ctx, budgetMs = 10_000): Promise<SequenceSweep> {
  const r: SequenceSweep = { due: 0, sent: 0, postponed: 0, stopped: 0 };
  const started = wallMs();
  const seen = new Set<string>();
  for (;;) {
    const now = ctx.clock.now().toISOString();
    const due = (
      await ctx.prisma.$queryRawUnsafe<{ id: string }[]>(
        `SELECT e."id" FROM "Enrollment" e WHERE e."status" = 'active' AND e."nextAt" <= $1::timestamp
           AND (e."leaseUntil" IS NULL OR e."leaseUntil" <= $1::timestamp)
           AND NOT EXISTS (SELECT 1 FROM "Campaign" k WHERE k."id" = e."campaignId" AND k."status" <> 'running')
         ORDER BY e."nextAt" LIMIT $2`,
        now,
        BATCH,
      )
    ).filter((x) => !seen.has(x.id));
    if (due.length === 0) return r;
    r.due += due.length;
    let i = 0;
    const worker = async () => {
      while (i < due.length) {
        const id = due[i++]!.id;
        seen.add(id);
        let outcome: StepOutcome;
        try {
          outcome = await runStep(ctx, id);
        } catch (e) {
          ctx.log.warn({ enrollmentId: id, err: (e as Error).message }, "sequence step failed; the next sweep retries it");
          continue;
        }
        if (outcome === "sent") r.sent++;
        else if (outcome === "postponed") r.postponed++;
        else if (outcome === "stopped") r.stopped++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (due.length < BATCH || wallMs() - started > budgetMs) return r;
  }
}

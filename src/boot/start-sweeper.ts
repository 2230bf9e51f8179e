// The sweep is driven from the process — a timer in every worker process, never a job stored in
// Redis, which a Redis restart would erase. Concurrent sweeps (several workers) are harmless:
// every claim is a conditional update and every job id is its row's id.
import type { Ctx } from "../context.ts";
import { sweepInbound } from "../inbox/sweep-inbound.ts";
import { sweepOutbound } from "../messaging/sweep-outbound.ts";
import { sweepAgentTurns } from "../agent/sweep-agent-turns.ts";
import { sweepSequences } from "../sequences/sweep-sequences.ts";
import { sweepSlack } from "../slack/sweep-slack.ts";
import { MAX_EVENT_ATTEMPTS } from "../jobs/job-defs.ts";

export interface Sweeper {
  /** one sweep now (tests call it after moving the fake clock) */
  sweep(): Promise<{
    inbound: Awaited<ReturnType<typeof sweepInbound>>;
    outbound: Awaited<ReturnType<typeof sweepOutbound>>;
    agent: Awaited<ReturnType<typeof sweepAgentTurns>>;
    slack: Awaited<ReturnType<typeof sweepSlack>>;
    sequences: Awaited<ReturnType<typeof sweepSequences>>;
  }>;
  stop(): void;
}

type SweepResult = Awaited<ReturnType<Sweeper["sweep"]>>;

/** One pass over every table the sweeper watches. */
async function sweepAll(ctx: Ctx): Promise<SweepResult> {
  return {
    inbound: await sweepInbound(ctx, MAX_EVENT_ATTEMPTS),
    outbound: await sweepOutbound(ctx),
    agent: await sweepAgentTurns(ctx),
    slack: await sweepSlack(ctx),
    sequences: await sweepSequences(ctx),
  };
}

/**
 * Sweeps every `everyMs` (0: only when `sweep()` is called), the first time at once: what a crash
 * or a Redis loss left behind is re-queued as soon as a worker is back, not a period later, and
 * the sweep's Prisma queries are compiled (tens of ms of CPU each, the first time a process runs
 * one) before traffic rather than in the middle of a burst of texts.
 */
export function startSweeper(ctx: Ctx, everyMs: number, sweepOnce: (ctx: Ctx) => Promise<SweepResult> = sweepAll): Sweeper {
  let running: ReturnType<Sweeper["sweep"]> | undefined;
  const sweep: Sweeper["sweep"] = () => {
    running ??= sweepOnce(ctx).finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () => void sweep().catch((e: Error) => ctx.log.warn({ err: e.message }, "sweep failed; next one will retry"));
  const timer = everyMs > 0 ? setInterval(tick, everyMs) : undefined;
  timer?.unref();
  if (timer) tick();
  return { sweep, stop: () => clearInterval(timer) };
}

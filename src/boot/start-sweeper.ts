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

export function startSweeper(ctx: Ctx, everyMs: number): Sweeper {
  let running: ReturnType<Sweeper["sweep"]> | undefined;
  const sweep: Sweeper["sweep"] = () => {
    running ??= (async () => {
      try {
        return {
          inbound: await sweepInbound(ctx, MAX_EVENT_ATTEMPTS),
          outbound: await sweepOutbound(ctx),
          agent: await sweepAgentTurns(ctx),
          slack: await sweepSlack(ctx),
          sequences: await sweepSequences(ctx),
        };
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer =
    everyMs > 0
      ? setInterval(() => {
          sweep().catch((e: Error) => ctx.log.warn({ err: e.message }, "sweep failed; next one will retry"));
        }, everyMs)
      : undefined;
  timer?.unref();
  return { sweep, stop: () => clearInterval(timer) };
}

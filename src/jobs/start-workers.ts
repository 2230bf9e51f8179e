import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Ctx } from "../context.ts";
import { JOBS } from "./job-registry.ts";
import { QUEUE_NAMES } from "./queues.ts";

export interface Workers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  concurrency?: number;
  /** how often the sweeper runs (ms); 0 = not scheduled (tests call the sweep directly) */
  sweepEveryMs?: number;
  /** how long a job is locked before it counts as stalled (a crashed worker's job is re-run after it) */
  lockDurationMs?: number;
}

export async function startWorkers(ctx: Ctx, opts: WorkerOptions = {}): Promise<Workers> {
  const connection = new Redis(ctx.queues.redisUrl, { maxRetriesPerRequest: null });
  connection.on("error", (e) => ctx.log.warn({ err: e.message }, "worker redis connection"));
  const byQueue = new Map<string, (typeof JOBS)[number][]>();
  for (const d of JOBS) byQueue.set(d.queue, [...(byQueue.get(d.queue) ?? []), d]);

  const workers = [...byQueue.entries()].map(([queue, defs]) => {
    const w = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const def = defs.find((d) => d.name === job.name);
        if (!def) throw new Error(`no handler for job ${queue}/${job.name}`);
        const data = def.schema.parse(job.data);
        return (def.handler as (c: Ctx, d: unknown, j: Job, t?: string) => Promise<unknown>)(ctx, data, job, token);
      },
      {
        connection,
        prefix: ctx.queues.prefix,
        concurrency: queue === QUEUE_NAMES.maintenance ? 1 : (opts.concurrency ?? 16),
        ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs, stalledInterval: Math.max(500, opts.lockDurationMs / 2) } : {}),
      },
    );
    w.on("completed", () => ctx.metrics.jobs.inc({ queue, outcome: "completed" }));
    w.on("failed", (job, err) => {
      if (err.name === "DelayedError") return;
      ctx.metrics.jobs.inc({ queue, outcome: "failed" });
      ctx.log.warn({ queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, "job failed");
    });
    w.on("error", (e) => ctx.log.warn({ queue, err: e.message }, "worker error"));
    return w;
  });

  const every = opts.sweepEveryMs ?? 10_000;
  if (every > 0) await ctx.queues.maintenance.upsertJobScheduler("sweep", { every }, { name: "sweep", data: {} });

  return {
    async close() {
      await Promise.allSettled(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}

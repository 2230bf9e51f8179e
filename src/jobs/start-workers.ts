// One BullMQ worker per declared queue, each with its declared concurrency.
import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Ctx } from "../context.ts";
import { JOB_LIST, QUEUES } from "./job-registry.ts";

export interface Workers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** how long a job is locked before it counts as stalled (a crashed worker's job is re-run after it) */
  lockDurationMs?: number;
}

export async function startWorkers(ctx: Ctx, opts: WorkerOptions = {}): Promise<Workers> {
  const connection = new Redis(ctx.queues.redisUrl, { maxRetriesPerRequest: null });
  connection.on("error", (e) => ctx.log.warn({ err: e.message }, "worker redis connection"));
  const workers = Object.values(QUEUES).map((def) => {
    const defs = JOB_LIST.filter((d) => (Object.values(d.queues) as string[]).includes(def.name));
    const w = new Worker(
      def.name,
      async (job: Job, token?: string) => {
        const jd = defs.find((d) => d.name === job.name);
        if (!jd) throw new Error(`no handler for job ${def.name}/${job.name}`);
        const data = jd.schema.parse(job.data);
        return (jd.handler as (c: Ctx, d: unknown, j: Job, t?: string) => Promise<unknown>)(ctx, data, job, token);
      },
      {
        connection,
        prefix: ctx.queues.prefix,
        concurrency: def.concurrency,
        ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs, stalledInterval: Math.max(500, opts.lockDurationMs / 2) } : {}),
      },
    );
    w.on("completed", () => ctx.metrics.jobs.inc({ queue: def.name, outcome: "completed" }));
    w.on("failed", (job, err) => {
      if (err.name === "DelayedError") return;
      ctx.metrics.jobs.inc({ queue: def.name, outcome: "failed" });
      ctx.log.warn({ queue: def.name, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, "job failed");
    });
    w.on("error", (e) => ctx.log.warn({ queue: def.name, err: e.message }, "worker error"));
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    async close() {
      await Promise.allSettled(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}

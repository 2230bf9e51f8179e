// BullMQ queues, built from the registry. Redis is the trigger, never the only copy: every job
// points at a Postgres row (jobId = the row's id), and the sweeper re-queues rows whose job was lost.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { QUEUES, type QueueName } from "./job-registry.ts";

export interface Queues {
  prefix: string;
  /** for workers and rate limiters (blocking commands allowed) */
  redisUrl: string;
  redis: Redis;
  byName: Record<QueueName, Queue>;
  all: Queue[];
  enqueueInbound(eventId: string): Promise<void>;
  enqueueDelivery(messageId: string, delayMs?: number): Promise<void>;
  /** the sweeper's re-add: a job left `failed` (e.g. after a database outage) must not block it */
  requeue(queue: QueueName, jobName: string, id: string, data: Record<string, unknown>): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const KEEP = { removeOnComplete: { age: 3600, count: 5000 }, removeOnFail: { age: 7 * 86400, count: 5000 } };

export interface QueueOptions {
  /** first retry delay; doubles each attempt (tests shorten it) */
  retryBaseMs?: number;
}

export function createQueues(redisUrl: string, prefix: string, opts: QueueOptions = {}): Queues {
  const base = opts.retryBaseMs ?? 1000;
  // Producers fail fast while Redis is down (the row is already in Postgres; the sweeper re-queues).
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, enableOfflineQueue: false, lazyConnect: false });
  redis.on("error", () => {}); // reported through /readyz and failed adds, not as an unhandled event
  const byName = Object.fromEntries(
    Object.values(QUEUES).map((d) => {
      const q = new Queue(d.name, { connection: redis, prefix });
      q.on("error", () => {});
      return [d.name, q];
    }),
  ) as Record<QueueName, Queue>;
  const jobOpts = (name: QueueName, id: string) => ({
    jobId: id,
    attempts: QUEUES[name].attempts,
    backoff: { type: "exponential", delay: base * QUEUES[name].backoffFactor },
    ...KEEP,
  });

  // Webhooks arrive in bursts: adds made in the same tick go to Redis as one pipelined addBulk.
  let batch: { eventId: string; done: (e?: Error) => void }[] = [];
  const flushInbound = () => {
    const jobs = batch;
    batch = [];
    byName.inbound.addBulk(jobs.map((j) => ({ name: "process-inbound", data: { eventId: j.eventId }, opts: jobOpts("inbound", j.eventId) }))).then(
      () => jobs.forEach((j) => j.done()),
      (e: Error) => jobs.forEach((j) => j.done(e)),
    );
  };
  return {
    prefix,
    redisUrl,
    redis,
    byName,
    all: Object.values(byName),
    enqueueInbound(eventId) {
      return new Promise<void>((ok, fail) => {
        if (batch.length === 0) setImmediate(flushInbound);
        batch.push({ eventId, done: (e) => (e ? fail(e) : ok()) });
      });
    },
    async enqueueDelivery(messageId, delayMs) {
      await byName.outbound.add("deliver-message", { messageId }, { ...jobOpts("outbound", messageId), ...(delayMs ? { delay: delayMs } : {}) });
    },
    async requeue(queue, jobName, id, data) {
      const q = byName[queue];
      const existing = await q.getJob(id);
      const state = existing ? await existing.getState() : undefined;
      if (existing && (state === "failed" || state === "completed")) await existing.remove();
      await q.add(jobName, data, jobOpts(queue, id));
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await Promise.allSettled(Object.values(byName).map((q) => q.close()));
      redis.disconnect();
    },
  };
}

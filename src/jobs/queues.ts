// BullMQ queues. Redis is the trigger, never the only copy: every job points at a Postgres row
// (jobId = the row's id), and the sweeper re-queues rows whose job was lost.
import { Queue } from "bullmq";
import { Redis } from "ioredis";

export const QUEUE_NAMES = { inbound: "inbound", outbound: "outbound", maintenance: "maintenance" } as const;

export interface Queues {
  prefix: string;
  /** for workers and rate limiters (blocking commands allowed) */
  redisUrl: string;
  redis: Redis;
  inbound: Queue;
  outbound: Queue;
  maintenance: Queue;
  enqueueInbound(eventId: string): Promise<void>;
  enqueueDelivery(messageId: string, delayMs?: number): Promise<void>;
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
  const mk = (name: string) => new Queue(name, { connection: redis, prefix });
  const inbound = mk(QUEUE_NAMES.inbound);
  const outbound = mk(QUEUE_NAMES.outbound);
  const maintenance = mk(QUEUE_NAMES.maintenance);
  for (const q of [inbound, outbound, maintenance]) q.on("error", () => {});
  const inboundOpts = { attempts: 8, backoff: { type: "exponential", delay: base }, ...KEEP };
  // Webhooks arrive in bursts: adds made in the same tick go to Redis as one pipelined addBulk.
  let batch: { eventId: string; done: (e?: Error) => void }[] = [];
  const flushInbound = () => {
    const jobs = batch;
    batch = [];
    inbound
      .addBulk(jobs.map((j) => ({ name: "process-inbound", data: { eventId: j.eventId }, opts: { jobId: j.eventId, ...inboundOpts } })))
      .then(() => jobs.forEach((j) => j.done()), (e: Error) => jobs.forEach((j) => j.done(e)));
  };
  return {
    prefix,
    redisUrl,
    redis,
    inbound,
    outbound,
    maintenance,
    enqueueInbound(eventId) {
      return new Promise<void>((ok, fail) => {
        if (batch.length === 0) setImmediate(flushInbound);
        batch.push({ eventId, done: (e) => (e ? fail(e) : ok()) });
      });
    },
    async enqueueDelivery(messageId, delayMs) {
      await outbound.add("deliver-message", { messageId }, {
        jobId: messageId,
        attempts: 12, // exponential from 2 s: about two hours of provider trouble before "failed"
        backoff: { type: "exponential", delay: base * 2 },
        ...(delayMs ? { delay: delayMs } : {}),
        ...KEEP,
      });
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await Promise.allSettled([inbound.close(), outbound.close(), maintenance.close()]);
      redis.disconnect();
    },
  };
}

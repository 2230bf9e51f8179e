// BullMQ queues, built from the registry. Redis is the trigger, never the only copy: every job
// points at a Postgres row (jobId = the row's id), and the sweeper re-queues rows whose job was lost.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { z } from "zod";
import { JOBS, QUEUES, type JobName, type Lane, type QueueName, type TurnHint } from "./job-defs.ts";

/** a stored webhook as its `process-inbound` job carries it */
export type CarriedEvent = NonNullable<z.infer<(typeof JOBS)["process-inbound"]["schema"]>["event"]>;

export interface Queues {
  prefix: string;
  /** for workers and rate limiters (blocking commands allowed) */
  redisUrl: string;
  redis: Redis;
  byName: Record<QueueName, Queue>;
  all: Queue[];
  /** `event`: the row as the webhook stored it (kind, business, payload, receivedAt ISO), carried in the job */
  enqueueInbound(eventId: string, lane?: Lane, event?: CarriedEvent): Promise<void>;
  enqueueDelivery(messageId: string, opts?: { delayMs?: number | undefined; lane?: Lane | undefined }): Promise<void>;
  /** a debounced agent turn for the conversation (see agent/request-agent-turn.ts) */
  enqueueAgentTurn(conversationId: string, delayMs: number, hint?: TurnHint): Promise<void>;
  /** the sweeper's re-add: a job left `failed` or `completed` (e.g. after a database outage) must not block it */
  requeue(job: JobName, lane: Lane, id: string, data: Record<string, unknown>): Promise<void>;
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
  const target = (job: JobName, lane: Lane) => byName[JOBS[job].queues[lane]];
  const jobOpts = (job: JobName, id: string) => ({
    jobId: id,
    attempts: JOBS[job].attempts,
    backoff: { type: "exponential", delay: base * JOBS[job].backoffFactor },
    ...KEEP,
  });

  // Webhooks arrive in bursts: the adds made in one turn go to Redis in one socket write (the socket
  // is corked until the turn's adds are written). Each add on its own rather than addBulk: ioredis
  // copies every one of BullMQ's ~60 scripts onto each pipeline it builds, which cost more than the adds.
  let batch: { eventId: string; lane: Lane; event: CarriedEvent | undefined; done: (e?: Error) => void }[] = [];
  const flushInbound = () => {
    const jobs = batch;
    batch = [];
    const socket = redis.status === "ready" ? redis.stream : undefined;
    socket?.cork();
    for (const j of jobs) {
      target("process-inbound", j.lane)
        .add("process-inbound", j.event ? { eventId: j.eventId, event: j.event } : { eventId: j.eventId }, jobOpts("process-inbound", j.eventId))
        .then(
          () => j.done(),
          (e: Error) => j.done(e),
        );
    }
    // Each add reaches the socket a few promise steps later; a tick queued from a microtask runs once
    // the microtask queue is empty, so after every add is written (were one to wait on I/O, it would
    // only be written on its own, later).
    if (socket) queueMicrotask(() => process.nextTick(() => socket.uncork()));
  };
  return {
    prefix,
    redisUrl,
    redis,
    byName,
    all: Object.values(byName),
    enqueueInbound(eventId, lane = "conversation", event) {
      return new Promise<void>((ok, fail) => {
        if (batch.length === 0) setImmediate(flushInbound);
        batch.push({ eventId, lane, event, done: (e) => (e ? fail(e) : ok()) });
      });
    },
    async enqueueDelivery(messageId, o = {}) {
      await target("deliver-message", o.lane ?? "conversation").add(
        "deliver-message",
        { messageId },
        { ...jobOpts("deliver-message", messageId), ...(o.delayMs ? { delay: o.delayMs } : {}) },
      );
    },
    async enqueueAgentTurn(conversationId, delayMs, hint) {
      const { jobId: _, ...o } = jobOpts("agent-turn", conversationId);
      await byName.agent.add(
        "agent-turn",
        { conversationId, ...(hint ? { hint } : {}) },
        { ...o, delay: delayMs, deduplication: { id: `turn-${conversationId}`, reschedule: true, keepLastIfActive: true } },
      );
    },
    async requeue(job, lane, id, data) {
      const q = target(job, lane);
      const existing = await q.getJob(id);
      const state = existing ? await existing.getState() : undefined;
      // finished, or orphaned ("unknown": its hash outlived its list entry, e.g. Redis keys lost mid-job):
      // either would make the add below a silent no-op, since BullMQ keeps one job per id
      if (existing && (state === "failed" || state === "completed" || state === "unknown")) await existing.remove();
      await q.add(job, data, jobOpts(job, id));
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

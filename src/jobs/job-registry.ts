// Every queue and job, declared once: name, lane, concurrency, attempts, backoff, payload schema,
// handler. Workers, producers, the queue board, metrics and the sweeper all derive from this list
// (documenso's habit). Payloads are ids of Postgres rows: Redis is the trigger, never the truth.
import { DelayedError, type Job } from "bullmq";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { processInboundEvent } from "../channels/process-inbound-event.ts";
import { wallMs } from "../lib/clock.ts";
import { ZRowId } from "../lib/schemas.ts";
import { deliverMessage } from "../messaging/deliver-message.ts";

export interface QueueDef {
  name: string;
  /** urgency class: a lower lane never delays a higher one (own queue, own workers) */
  lane: "urgent" | "conversation" | "background";
  concurrency: number;
  /** BullMQ attempts; the sweeper gives up on a row after the same number */
  attempts: number;
  /** first retry delay as a multiple of the base (1 s; tests shorten the base), doubling each attempt */
  backoffFactor: number;
}

export const QUEUES = {
  inbound: { name: "inbound", lane: "conversation", concurrency: 16, attempts: 8, backoffFactor: 1 },
  // exponential from 2 s over 12 attempts: about two hours of provider trouble before "failed"
  outbound: { name: "outbound", lane: "conversation", concurrency: 16, attempts: 12, backoffFactor: 2 },
} as const satisfies Record<string, QueueDef>;

export type QueueName = keyof typeof QUEUES;

/** An inbound event is given up (status failed) after as many tries as its queue allows. */
export const MAX_EVENT_ATTEMPTS = QUEUES.inbound.attempts;

export interface JobDefinition<S extends z.ZodType> {
  queue: QueueName;
  name: string;
  schema: S;
  handler(ctx: Ctx, data: z.infer<S>, job: Job, token: string | undefined): Promise<unknown>;
}

function define<S extends z.ZodType>(d: JobDefinition<S>): JobDefinition<S> {
  return d;
}

export const JOBS = [
  define({
    queue: "inbound",
    name: "process-inbound",
    schema: z.object({ eventId: ZRowId }),
    handler: (ctx, { eventId }) => processInboundEvent(ctx, eventId),
  }),
  define({
    queue: "outbound",
    name: "deliver-message",
    schema: z.object({ messageId: ZRowId }),
    async handler(ctx, { messageId }, job, token) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await deliverMessage(ctx, messageId, { lastAttempt });
      if (outcome.kind === "wait") {
        // per-number throughput: come back when the sender has a token (not an attempt). Redis
        // keeps real time, so this is wall-clock time, not the business clock.
        await job.moveToDelayed(wallMs() + outcome.ms, token);
        throw new DelayedError();
      }
      if (outcome.kind === "retry") throw outcome.error;
      return outcome;
    },
  }),
] as const;

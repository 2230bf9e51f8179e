// Every queue and job, declared once. A queue: name, lane, concurrency. A job: which queue serves
// it in each lane, attempts, backoff, payload schema. No handler and no context here: producers,
// the queue board, metrics and the sweeper import these definitions, and the handlers are bound
// only where workers start (boot/start-workers.ts), as documenso keeps jobs/definitions apart from
// their handlers. Payloads are ids of Postgres rows: Redis is the trigger, never the truth.
//
// Lanes by urgency: the urgent lane (missed-call text-back, speed to lead, STOP/HELP) has its own
// queue and workers, so a burst of conversation or background work can never delay it; the bulk
// lane (campaign sends) has a few workers of its own below the conversation lane.
import { z } from "zod";
import type { Lane } from "../lib/lane.ts";
import { ZRowId } from "../lib/schemas.ts";

export type { Lane };

export interface QueueDef {
  name: string;
  lane: Lane;
  concurrency: number;
  /**
   * BullMQ workers in each process, sharing the concurrency. A worker fetches its jobs one at a
   * time, one Redis round trip each: with a burst on a busy event loop that was 5–50 ms per job.
   */
  fetchers?: number;
}

export const QUEUES = {
  urgent: { name: "urgent", lane: "urgent", concurrency: 128, fetchers: 4 },
  inbound: { name: "inbound", lane: "conversation", concurrency: 16 },
  outbound: { name: "outbound", lane: "conversation", concurrency: 16 },
  // agent turns wait on a model for seconds: their own workers, so they never hold up the others
  agent: { name: "agent", lane: "conversation", concurrency: 48 },
  // campaign sends: few workers (the sending number's rate is the real limit), never in the way of the others
  bulk: { name: "bulk", lane: "bulk", concurrency: 4 },
} as const satisfies Record<string, QueueDef>;

export type QueueName = keyof typeof QUEUES;

export interface JobDefinition<S extends z.ZodType> {
  name: string;
  /** the queue that runs this job in each lane */
  queues: Record<Lane, QueueName>;
  /** BullMQ attempts; for inbound events the sweeper gives up on the row after the same number */
  attempts: number;
  /** first retry delay as a multiple of the base (1 s; tests shorten the base), doubling each attempt */
  backoffFactor: number;
  schema: S;
}

/** The message that asked for an agent turn, as its asker knew it (an inbound job that just stored it). */
const ZTurnHint = z.object({ businessId: ZRowId, contactId: ZRowId, messageId: ZRowId });
export type TurnHint = z.infer<typeof ZTurnHint>;

function define<S extends z.ZodType>(d: JobDefinition<S>): JobDefinition<S> {
  return d;
}

export const JOBS = {
  "process-inbound": define({
    name: "process-inbound",
    queues: { urgent: "urgent", conversation: "inbound", bulk: "inbound" },
    attempts: 8,
    backoffFactor: 1,
    // the webhook hands its stored row along, so the job's first run need not read it back (a
    // retry, a stalled job's re-run and the sweeper's re-add read the row and its status)
    schema: z.object({
      eventId: ZRowId,
      event: z
        .object({ kind: z.string(), businessId: z.string().nullable(), payload: z.record(z.string(), z.unknown()), receivedAt: z.iso.datetime() })
        .optional(),
    }),
  }),
  "deliver-message": define({
    name: "deliver-message",
    queues: { urgent: "urgent", conversation: "outbound", bulk: "bulk" },
    // exponential from 2 s over 12 attempts: about two hours of provider trouble before "failed"
    attempts: 12,
    backoffFactor: 2,
    schema: z.object({ messageId: ZRowId }),
  }),
  "agent-turn": define({
    name: "agent-turn",
    queues: { urgent: "agent", conversation: "agent", bulk: "agent" },
    attempts: 3,
    backoffFactor: 2,
    // the message that asked for the turn, when its asker knew it: the turn claims in its first statement
    schema: z.object({ conversationId: ZRowId, hint: ZTurnHint.optional() }),
  }),
};

export type JobName = keyof typeof JOBS;

/** An inbound event is given up (status failed) after as many tries as its job allows. */
export const MAX_EVENT_ATTEMPTS = JOBS["process-inbound"].attempts;

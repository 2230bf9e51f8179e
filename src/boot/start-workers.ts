// One BullMQ worker per declared queue, each with its declared concurrency. The only place job
// handlers are bound to the job definitions (jobs/job-defs.ts), and where the channels' inbound
// kinds and the agent's turn responders are registered.
import { DelayedError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { z } from "zod";
import type { Ctx } from "../context.ts";
import { runAgentTurn } from "../agent/run-agent-turn.ts";
import type { TurnResponder } from "../agent/turn-responder.ts";
import { formInboundKinds } from "../channels/forms/form-inbound-kinds.ts";
import { twilioInboundKinds } from "../channels/twilio/twilio-inbound-kinds.ts";
import { chatInboundKinds } from "../channels/webchat/chat-inbound-kinds.ts";
import { processInboundEvent } from "../inbox/process-inbound-event.ts";
import type { InboundHandlers } from "../inbox/stored-event.ts";
import { JOBS, QUEUES, type JobName, type QueueDef } from "../jobs/job-defs.ts";
import { wallMs } from "../lib/clock.ts";
import { deliverMessage } from "../messaging/deliver-message.ts";
import { statusInboundKinds } from "../messaging/status-inbound-kinds.ts";
import { answerSequenceReply } from "../sequences/answer-sequence-reply.ts";
import { slackInboundKinds } from "../slack/slack-inbound-kinds.ts";

/** every stored event kind and the channel handler it goes to; a kind claimed twice is a wiring bug */
export const INBOUND_HANDLERS: InboundHandlers = mergeKinds([twilioInboundKinds, chatInboundKinds, formInboundKinds, slackInboundKinds, statusInboundKinds]);

/** asked in order before the model (or template) answers a turn; the emergency check always comes first */
export const TURN_RESPONDERS: readonly TurnResponder[] = [answerSequenceReply];

type Handler<K extends JobName> = (ctx: Ctx, data: z.infer<(typeof JOBS)[K]["schema"]>, job: Job, token: string | undefined) => Promise<unknown>;

const HANDLERS: { [K in JobName]: Handler<K> } = {
  // the first start of a webhook's own job uses the row it carries; any later start reads the row and its status
  "process-inbound": (ctx, { eventId, event }, job) =>
    processInboundEvent(ctx, INBOUND_HANDLERS, eventId, event && job.attemptsStarted <= 1 ? { ...event, receivedAt: new Date(event.receivedAt) } : undefined),
  async "deliver-message"(ctx, { messageId }, job, token) {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await deliverMessage(ctx, messageId, { lastAttempt });
    if (outcome.kind === "wait") {
      // per-number throughput: come back when the sender's next slot is near (not an attempt).
      // Redis keeps real time, so this is wall-clock time, not the business clock.
      await job.moveToDelayed(wallMs() + outcome.ms, token);
      throw new DelayedError();
    }
    if (outcome.kind === "retry") throw outcome.error;
    return outcome;
  },
  "agent-turn": (ctx, { conversationId, hint }) => runAgentTurn(ctx, conversationId, TURN_RESPONDERS, hint),
};

/** the longest a job of another lane waits for this process's urgent jobs before it starts */
const GATE_WAIT_MS = 250;

export interface Workers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** how long a job is locked before it counts as stalled (a crashed worker's job is re-run after it) */
  lockDurationMs?: number;
}

/**
 * A worker renews its jobs' locks every half lock; a job whose worker died (kill -9, a lost machine)
 * is re-run once its lock has run out and the next stall check sees it: within about 1.5 × this.
 * BullMQ's 30 s default kept a dead worker's callers waiting up to 45 s for their text-back; every
 * job claims its rows (a send asks the provider before going again), so a live worker whose event
 * loop stalls this long costs a second run, not a second text.
 */
const LOCK_DURATION_MS = 10_000;

export async function startWorkers(ctx: Ctx, opts: WorkerOptions = {}): Promise<Workers> {
  const connection = new Redis(ctx.queues.redisUrl, { maxRetriesPerRequest: null });
  connection.on("error", (e) => ctx.log.warn({ err: e.message }, "worker redis connection"));
  const defs: QueueDef[] = Object.values(QUEUES).flatMap((def: QueueDef) => Array.from({ length: def.fetchers ?? 1 }, () => def));
  const workers = defs.map((def) => {
    const w = new Worker(
      def.name,
      async (job: Job, token?: string) => {
        const name = job.name as JobName;
        if (!Object.hasOwn(JOBS, name) || !(Object.values(JOBS[name].queues) as string[]).includes(def.name))
          throw new Error(`no handler for job ${def.name}/${job.name}`);
        const data = JOBS[name].schema.parse(job.data);
        const run = (c: Ctx) => (HANDLERS[name] as (c: Ctx, d: unknown, j: Job, t?: string) => Promise<unknown>)(c, data, job, token);
        if (def.lane !== "urgent") {
          // the text-backs and first texts in this process go first; this waits a moment at most
          await ctx.gate.clear(GATE_WAIT_MS);
          return run(ctx);
        }
        // an urgent job holds its place until it ends or says its text is out (gate.demote)
        const leave = ctx.gate.enter();
        const gate = ctx.gate.forJob(leave);
        try {
          return await run({ ...ctx, gate });
        } finally {
          leave();
          gate.end();
        }
      },
      {
        connection,
        prefix: ctx.queues.prefix,
        concurrency: Math.ceil(def.concurrency / (def.fetchers ?? 1)),
        lockDuration: opts.lockDurationMs ?? LOCK_DURATION_MS,
        stalledInterval: Math.max(500, (opts.lockDurationMs ?? LOCK_DURATION_MS) / 2),
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

function mergeKinds(groups: InboundHandlers[]): InboundHandlers {
  const all: Record<string, InboundHandlers[string]> = {};
  for (const group of groups)
    for (const [kind, handler] of Object.entries(group)) {
      if (Object.hasOwn(all, kind)) throw new Error(`inbound kind ${kind} is registered twice`);
      all[kind] = handler;
    }
  return all;
}

// name → zod schema → handler, in one typed list (documenso's habit). Payloads are ids of rows.
import { DelayedError, type Job } from "bullmq";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { processInboundEvent } from "../inbox/process-inbound-event.ts";
import { sweepInbound } from "../inbox/sweep-inbound.ts";
import { deliverMessage } from "../messaging/deliver-message.ts";
import { sweepOutbound } from "../messaging/sweep-outbound.ts";
import { QUEUE_NAMES } from "./queues.ts";

export interface JobDefinition<S extends z.ZodType> {
  queue: string;
  name: string;
  schema: S;
  handler(ctx: Ctx, data: z.infer<S>, job: Job, token: string | undefined): Promise<unknown>;
}

function define<S extends z.ZodType>(d: JobDefinition<S>): JobDefinition<S> {
  return d;
}

const ZId = z.string().regex(/^[a-z0-9]{20,40}$/);

export const JOBS = [
  define({
    queue: QUEUE_NAMES.inbound,
    name: "process-inbound",
    schema: z.object({ eventId: ZId }),
    handler: (ctx, { eventId }) => processInboundEvent(ctx, eventId),
  }),
  define({
    queue: QUEUE_NAMES.outbound,
    name: "deliver-message",
    schema: z.object({ messageId: ZId }),
    async handler(ctx, { messageId }, job, token) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await deliverMessage(ctx, messageId, { lastAttempt });
      if (outcome.kind === "wait") {
        // per-number throughput: come back when the sender has a token (not an attempt)
        await job.moveToDelayed(Date.now() + outcome.ms, token);
        throw new DelayedError();
      }
      if (outcome.kind === "retry") throw outcome.error;
      return outcome;
    },
  }),
  define({
    queue: QUEUE_NAMES.maintenance,
    name: "sweep",
    schema: z.object({}).loose(),
    async handler(ctx) {
      const inbound = await sweepInbound(ctx);
      const outbound = await sweepOutbound(ctx);
      return { inbound, outbound };
    },
  }),
] as const;

// The Slack payloads Leadline stores and processes, checked at the edge (what the HTTP side
// records) and again in the job (what it reads back).
import { z } from "zod";
import { CARD_ACTIONS } from "./build-lead-card.ts";

/** a button on a lead card (block_actions) */
export const ZCardClick = z.object({
  type: z.literal("block_actions"),
  trigger_id: z.string().min(1),
  user: z.looseObject({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  channel: z.looseObject({ id: z.string().min(1) }).optional(),
  container: z.looseObject({ channel_id: z.string().optional() }).optional(),
  actions: z
    .array(z.looseObject({ action_id: z.string(), value: z.string().max(64).optional() }))
    .min(1)
    .max(1),
});

/** what the action job reads back from InboundEvent.payload */
export const ZStoredCardClick = z.object({
  action: z.enum(Object.values(CARD_ACTIONS) as [string, ...string[]]),
  conversationId: z.string().min(1).max(64),
  userId: z.string().min(1),
  userName: z.string().optional(),
  channel: z.string().min(1),
});
export type TStoredCardClick = z.infer<typeof ZStoredCardClick>;

export const ZStoredSlashCommand = z.object({
  command: z.enum(["pause", "resume"]),
  userId: z.string().min(1),
  userName: z.string().optional(),
  channel: z.string().min(1),
});
export type TStoredSlashCommand = z.infer<typeof ZStoredSlashCommand>;

export const ZStoredSlackMessage = z.object({ event_id: z.string().min(1).max(100), event: z.unknown() });

/** a slash command's form fields (the ones Leadline reads) */
export const ZSlashCommandBody = z.looseObject({
  channel_id: z.string().min(1),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  text: z.string().max(2000).default(""),
  trigger_id: z.string().min(1).max(200),
});

// What a sequence file under prompts/sequences/ may say. A sequence is a trigger, a purpose, steps
// (when, in which local hours, what to say) and the conditions that end it early.
import { z } from "zod";

/** what starts a sequence (mapped from domain events by enroll-from-event.ts) */
export const TRIGGERS = ["lead.created", "estimate.sent", "appointment.booked", "job.completed", "campaign"] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** what ends an enrollment early; each is re-checked in the claim of every step */
export const STOP_CONDITIONS = ["replied", "booked", "opted-out", "human", "estimate-accepted", "estimate-declined", "job-done", "review-clicked"] as const;
export type StopCondition = (typeof STOP_CONDITIONS)[number];

/** the variables a step's template may use, by trigger (prompts check enforces this) */
export const STEP_VARIABLES: Record<Trigger, readonly string[]> = {
  "lead.created": ["business", "first_name", "service"],
  "estimate.sent": ["business", "first_name", "amount"],
  "appointment.booked": ["business", "first_name", "service", "appointment_time", "appointment_day"],
  "job.completed": ["business", "first_name", "review_link"],
  campaign: ["business", "first_name", "last_job_date"],
};

const DURATION = /^(\d+)\s*(m|min|h|d|w)$/;
const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "15m", "2h", "3d", "1w" → milliseconds */
export function parseDuration(s: string): number | undefined {
  const m = DURATION.exec(s.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

const ZDuration = z.string().refine((s) => parseDuration(s) !== undefined, 'must be a duration like "15m", "2h", "3d" or "1w"');
const ZHours = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be "HH:MM-HH:MM" local time')
  .refine((h) => h.slice(0, 5) < h.slice(6), "start must be before end (the window may not cross midnight)");

export const ZStep = z
  .object({
    /** after the anchor (the trigger; for reminders the appointment's start is the anchor and `before` is used) */
    delay: ZDuration.optional(),
    /** before the anchor (appointment reminders); a step whose moment has passed is skipped */
    before: ZDuration.optional(),
    /** local hours this step may go out in (inside the law's quiet-hours window, which always applies) */
    hours: ZHours.optional(),
    /** the text, with {{variables}}; for an AI step, what is sent when the model cannot answer */
    template: z.string().trim().min(1).max(640),
    /** an AI step: instructions for the model, which writes the text (the reply guard checks it) */
    ai: z.string().trim().min(1).max(2000).optional(),
    channel: z.literal("sms").default("sms"),
  })
  .strict()
  .refine((s) => (s.delay === undefined) !== (s.before === undefined), "give exactly one of delay or before");

export const ZSequence = z
  .object({
    name: z.string().trim().min(1),
    description: z.string().optional(),
    /** transactional (about something they asked for) or marketing (needs marketing consent) */
    purpose: z.enum(["transactional", "marketing"]),
    trigger: z
      .object({
        event: z.enum(TRIGGERS),
        /** lead.created: only leads from these channels (call, sms, webchat, form) */
        channels: z.array(z.enum(["call", "sms", "webchat", "form"])).optional(),
      })
      .strict(),
    stopWhen: z.array(z.enum(STOP_CONDITIONS)).default([]),
    /** a reply to this sequence that reads as a complaint goes to the office (review requests) */
    complaintsToOffice: z.boolean().default(false),
    steps: z.array(ZStep).min(1).max(12),
  })
  .strict()
  .superRefine((s, c) => {
    const anchored = s.trigger.event === "appointment.booked";
    s.steps.forEach((step, i) => {
      if (step.before !== undefined && !anchored)
        c.addIssue({ code: "custom", path: ["steps", i, "before"], message: "before is only for appointment reminders" });
    });
    if (s.purpose === "marketing" && !s.stopWhen.includes("opted-out")) {
      c.addIssue({ code: "custom", path: ["stopWhen"], message: "a marketing sequence must stop when the contact opts out" });
    }
  });

export type TSequence = z.infer<typeof ZSequence>;
export type TStep = z.infer<typeof ZStep>;

/** one loaded sequence: the file's name (without .yaml) is its key */
export interface Sequence extends TSequence {
  key: string;
  file: string;
}

/** the step's moment relative to the anchor, in ms (negative: before) */
export function stepOffsetMs(step: TStep): number {
  return step.before !== undefined ? -parseDuration(step.before)! : parseDuration(step.delay!)!;
}

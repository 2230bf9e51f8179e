// The business profile (YAML, `business apply`). CONTRACT.md names the fields; keep them.
import { IANAZone } from "luxon";
import { z } from "zod";
import { toE164 } from "../lib/phone.ts";
import { isPlaceholderSecret } from "./env.ts";

const ZE164 = z.string().transform((raw, ctx) => {
  const e164 = toE164(raw);
  if (!e164) {
    ctx.addIssue({ code: "custom", message: `"${raw}" is not a valid phone number` });
    return z.NEVER;
  }
  return e164;
});

const ZClock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)");
const ZRange = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be "HH:MM-HH:MM"')
  .refine((r) => r.slice(0, 5) < r.slice(6), "must end after it starts");
const ZDay = z.array(ZRange).default([]);
const ZDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
const ZWeek = z.object({ mon: ZDay, tue: ZDay, wed: ZDay, thu: ZDay, fri: ZDay, sat: ZDay, sun: ZDay }).partial();

/** A credential: never empty, never a placeholder left from an example (CHANGE-ME, your-…-here). */
const ZSecret = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .refine((v) => !isPlaceholderSecret(v), "is a placeholder (like CHANGE-ME): put the real value here or remove the field");

export const ZProfile = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and dashes only"),
    name: z.string().min(1).max(120),
    timezone: z.string().refine((tz) => IANAZone.isValidZone(tz), "must be an IANA time zone such as America/New_York"),
    phoneNumbers: z.array(ZE164).default([]),
    numberSources: z
      .record(z.string(), z.string().min(1))
      .default({})
      .transform((rec, ctx) => {
        const out: Record<string, string> = {};
        for (const [num, source] of Object.entries(rec)) {
          const e164 = toE164(num);
          if (!e164) ctx.addIssue({ code: "custom", message: `"${num}" is not a valid phone number` });
          else out[e164] = source;
        }
        return out;
      }),
    forwardTo: z.array(ZE164).default([]),
    ringSeconds: z.number().int().min(5).max(60).default(20),
    hours: z.object({ mon: ZDay, tue: ZDay, wed: ZDay, thu: ZDay, fri: ZDay, sat: ZDay, sun: ZDay }).partial().default({}),
    voice: z
      .object({
        /** ring forwardTo phones outside business hours too (default: straight to voicemail + text-back) */
        ringAfterHours: z.boolean().default(false),
        voicemailGreeting: z.string().max(500).optional(),
        /** the AI answers by voice (Twilio ConversationRelay): never, when the ring-through is missed, after hours, or always */
        aiAnswer: z.enum(["off", "when-missed", "after-hours", "always"]).default("off"),
        /** spoken when the AI picks up (default: the business's name and that this is its virtual assistant) */
        greeting: z.string().min(1).max(500).optional(),
        /** who the AI hands a caller to (default: forwardTo) */
        transferTo: z.array(ZE164).default([]),
        /** passed through to <ConversationRelay> as is */
        ttsVoice: z.string().min(1).max(100).optional(),
        language: z.string().min(2).max(20).optional(),
        ttsProvider: z.string().min(1).max(40).optional(),
        transcriptionProvider: z.string().min(1).max(40).optional(),
        /** after this long on the line the AI wraps up and hands the caller to a person */
        maxCallMinutes: z.number().min(1).max(60).default(10),
      })
      .default({ ringAfterHours: false, aiAnswer: "off", transferTo: [], maxCallMinutes: 10 }),
    booking: z
      .object({
        crews: z.number().int().min(1).default(1),
        bufferMinutes: z.number().int().min(0).default(0),
        minNoticeHours: z.number().min(0).default(2),
        horizonDays: z.number().int().min(1).max(90).default(14),
        /** slots start every this many minutes */
        slotStepMinutes: z.number().int().min(15).max(240).default(30),
        /** days with no bookings (holidays, vacations), YYYY-MM-DD in the business's zone */
        closedDates: z.array(ZDate).default([]),
        /** dates whose bookable hours differ from the weekly hours ([] = closed) */
        dateOverrides: z.record(ZDate, z.array(ZRange)).default({}),
        /** bookable hours if not the business hours (e.g. crews start later than the phones) */
        hours: ZWeek.optional(),
      })
      .optional(),
    services: z
      .array(
        z.object({
          key: z.string().regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes only"),
          name: z.string().min(1),
          durationMinutes: z
            .number()
            .int()
            .min(15)
            .max(24 * 60),
          price: z.object({ from: z.number().min(0), to: z.number().min(0).optional() }).optional(),
          /** words homeowners use for it (the agent matches on them) */
          aliases: z.array(z.string().min(1)).default([]),
        }),
      )
      .default([]),
    serviceArea: z.object({ zips: z.array(z.string().regex(/^\d{5}$/, "must be a 5-digit ZIP")) }).optional(),
    reviewUrl: z.url().optional(),
    slack: z
      .object({
        /** the channel every conversation is mirrored into (a thread each) */
        channel: z.string().min(1),
        /** alerts go here when set (else to channel) */
        alertsChannel: z.string().min(1).optional(),
        /** the local hour the daily digest is posted */
        digestHour: z.number().int().min(0).max(23).default(7),
        /** with AI off, a lead nobody answered within this many minutes raises an alert */
        unansweredMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(10),
      })
      .optional(),
    ai: z
      .object({
        enabled: z.boolean().default(true),
        persona: z.string().max(80).optional(),
        model: z.string().optional(),
        /** a prompt file of the business's own under prompts/ (default prompts/system.md) */
        prompt: z
          .string()
          .regex(/^[\w./-]+\.md$/, "must be a .md file under prompts/")
          .refine((p) => !p.includes(".."), "must stay under prompts/")
          .optional(),
        /** quick texts within this many seconds are answered as one */
        debounceSeconds: z.number().min(0).max(60).default(4),
        /** words the agent may use that are otherwise blocked as promises (e.g. "free" for free estimates) */
        allowedPromises: z.array(z.string().min(1)).default([]),
        /** extra emergency phrases for this trade (e.g. "no hot water" for a boiler company) */
        emergencyPhrases: z.array(z.string().min(1)).default([]),
        /** a turn's model work must end this many seconds after the turn starts; past it the template answers and the office is told */
        replyDeadlineSeconds: z.number().min(1).max(120).default(12),
      })
      .default({ enabled: true, debounceSeconds: 4, allowedPromises: [], emergencyPhrases: [], replyDeadlineSeconds: 12 }),
    /** facts the agent may state (warranty, payment, trip fee…), one sentence each; nothing else */
    policies: z.array(z.string().min(1).max(300)).default([]),
    forms: z.object({ token: ZSecret.pipe(z.string().min(8, "must be at least 8 characters")).optional(), googleKey: ZSecret.optional() }).optional(),
    /** signs POST /webhooks/events/:slug (work events); its own secret, never the website form token */
    events: z.object({ secret: ZSecret.pipe(z.string().min(24, "must be at least 24 characters (e.g. openssl rand -hex 16)")) }).optional(),
    meta: z
      .object({
        /** one business per Facebook page (checked at apply) */
        pageId: z.string().trim().min(1, "must not be empty"),
        pageAccessToken: ZSecret,
        appSecret: ZSecret,
        verifyToken: ZSecret,
      })
      .optional(),
    webchat: z
      .object({
        allowedOrigins: z.array(z.url()).default([]),
        greeting: z.string().max(300).optional(),
        /** countries "text me instead" may text (ISO 3166 alpha-2); default: the countries of phoneNumbers */
        smsCountries: z.array(z.string().regex(/^[A-Z]{2}$/, "must be a two-letter country code such as US")).optional(),
        /** "text me instead" invitations the business sends in any 24 hours, all visitors together */
        maxInvitationsPerDay: z.number().int().min(0).max(10_000).default(100),
      })
      .optional(),
    compliance: z
      .object({
        /** proactive messages only inside this window, in the recipient's local time */
        quietHours: z
          .object({ start: ZClock, end: ZClock })
          .refine((q) => q.start < q.end, "start must be before end (the window may not cross midnight)")
          .default({ start: "08:00", end: "21:00" }),
        /** proactive messages per contact in any 24 hours (0 = none) */
        maxProactivePerDay: z.number().int().min(0).default(3),
        /** an answer to the homeowner's message within this many minutes is a reply (never held by quiet hours) */
        replyWindowMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(60),
      })
      .default({ quietHours: { start: "08:00", end: "21:00" }, maxProactivePerDay: 3, replyWindowMinutes: 60 }),
    messaging: z
      .object({
        /** messages per second per sending number (the carrier's 10DLC / toll-free tier) */
        mps: z.number().min(0.1).max(500).default(1),
        /** proactive messages per sending number per day (the carrier's daily allowance); replies are never held */
        dailyCapPerNumber: z.number().int().min(1).default(2000),
      })
      .default({ mps: 1, dailyCapPerNumber: 2000 }),
    /** built-in sequences switched off for this business (file names under prompts/sequences) */
    sequences: z.object({ disabled: z.array(z.string().min(1)).default([]) }).default({ disabled: [] }),
    textBack: z
      .object({
        enabled: z.boolean().default(true),
        template: z.string().min(1).max(640).optional(),
        windowMinutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60)
          .default(30),
        /** a text-back or speed-to-lead text that cannot go out within this long after the call or form is not sent; the office is alerted */
        maxAgeMinutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60)
          .default(120),
      })
      .default({ enabled: true, windowMinutes: 30, maxAgeMinutes: 120 }),
    /** overrides for prompts/templates/*.txt */
    templates: z
      .object({
        acknowledgement: z.string().min(1).max(640).optional(),
        help: z.string().min(1).max(640).optional(),
        formFirstText: z.string().min(1).max(640).optional(),
      })
      .default({}),
  })
  .superRefine((p, ctx) => {
    // a form token sits in website code; work events (revenue, finished jobs) must not be forgeable with it
    if (p.events && p.forms?.token !== undefined && p.events.secret === p.forms.token) {
      ctx.addIssue({ code: "custom", path: ["events", "secret"], message: "must differ from forms.token (the form token is visible in website code)" });
    }
  });

export type TProfile = z.infer<typeof ZProfile>;
export type TProfileInput = z.input<typeof ZProfile>;

// The console's API shapes, shared by the server (parses request bodies, builds responses) and the
// browser client (parses every response), so the two cannot drift. Times travel as ISO strings.
import { z } from "zod";

export const ZReplyBody = z.object({ text: z.string().trim().min(1, "type a reply first").max(1600, "at most 1600 characters") });
export const ZNoteBody = z.object({ text: z.string().trim().min(1, "type a note first").max(2000, "at most 2000 characters") });
export const ZStageBody = z.object({ stage: z.enum(["booked", "lost", "spam"]) });
export const ZSignInBody = z.object({ token: z.string().trim().min(1, "enter an admin token").max(512, "that is not an admin token") });
export const ZInboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
  needsAttention: z.enum(["true", "false"]).optional(),
});

export const ZMe = z.object({
  kind: z.enum(["operator", "business"]),
  businesses: z.array(z.object({ slug: z.string(), name: z.string() })),
});
export type TMe = z.infer<typeof ZMe>;

const ZIso = z.string();

export const ZInboxRow = z.object({
  id: z.string(),
  contact: z.object({ id: z.string(), name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable(), optedOut: z.boolean() }),
  channels: z.array(z.string()),
  status: z.string(),
  handledBy: z.string(),
  lead: z.object({ id: z.string(), stage: z.string(), source: z.string().nullable(), needsAttention: z.boolean() }).nullable(),
  lastMessage: z
    .object({ id: z.string(), direction: z.string(), channel: z.string(), author: z.string(), body: z.string(), status: z.string(), createdAt: ZIso })
    .nullable(),
  lastMessageAt: ZIso.nullable(),
  createdAt: ZIso,
  /** handed to a person (hand-off, emergency), flagged, or the homeowner wrote last */
  needsAttention: z.boolean(),
});
export type TInboxRow = z.infer<typeof ZInboxRow>;

export const ZInbox = z.object({
  conversations: z.array(ZInboxRow),
  /** conversations needing attention in the whole business (not only this page) */
  needsAttentionCount: z.number(),
  /** pass as `before` for the next page; null at the end */
  nextBefore: ZIso.nullable(),
});
export type TInbox = z.infer<typeof ZInbox>;

export const ZTimelineMessage = z.object({
  id: z.string(),
  direction: z.string(),
  channel: z.string(),
  author: z.string(),
  authorName: z.string().nullable().optional(),
  origin: z.string().nullable().optional(),
  body: z.string(),
  media: z.array(z.object({ url: z.string(), contentType: z.string().optional() }).passthrough()),
  status: z.string(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable().optional(),
  kind: z.string().optional(),
  purpose: z.string().nullable(),
  sendAt: ZIso.nullable().optional(),
  holdReason: z.string().nullable().optional(),
  createdAt: ZIso,
});
export type TTimelineMessage = z.infer<typeof ZTimelineMessage>;

export const ZTurn = z.object({
  id: z.string(),
  triggerMessageId: z.string(),
  replyMessageId: z.string().nullable(),
  status: z.string(),
  mode: z.string(),
  toolCalls: z.array(z.object({ name: z.string(), arguments: z.unknown().optional(), result: z.unknown().optional() }).passthrough()),
  guard: z.array(z.object({ reply: z.string().optional(), ok: z.boolean().optional(), problems: z.array(z.unknown()).optional() }).passthrough()),
  error: z.string().nullable(),
  startedAt: ZIso,
});
export type TTurn = z.infer<typeof ZTurn>;

export const ZAudit = z.object({ id: z.string(), actor: z.string(), action: z.string(), detail: z.unknown(), at: ZIso });
export type TAudit = z.infer<typeof ZAudit>;

export const ZConversation = z.object({
  id: z.string(),
  business: z.string(),
  status: z.string(),
  handledBy: z.string(),
  contact: z
    .object({ id: z.string(), name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable(), optedOut: z.boolean() })
    .passthrough(),
  lead: z
    .object({
      id: z.string(),
      source: z.string().nullable(),
      stage: z.string(),
      utm: z.record(z.string(), z.string().nullable()),
      answers: z.unknown(),
      needsAttention: z.boolean(),
    })
    .passthrough()
    .nullable(),
  messages: z.array(ZTimelineMessage),
  calls: z.array(
    z
      .object({
        id: z.string(),
        status: z.string(),
        missedReason: z.string().nullable(),
        recordingUrl: z.string().nullable(),
        transcription: z.string().nullable(),
        createdAt: ZIso,
      })
      .passthrough(),
  ),
  appointments: z.array(z.object({ id: z.string(), start: z.string(), end: z.string(), service: z.unknown(), status: z.string() }).passthrough()),
  turns: z.array(ZTurn),
  audit: z.array(ZAudit),
});
export type TConversation = z.infer<typeof ZConversation>;

export const ZWriteResult = z.object({ ok: z.boolean(), message: z.string().optional() });

export const ZReport = z.object({
  business: z.string(),
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  speedToLead: z.object({
    leads: z.number(),
    responded: z.number(),
    medianSeconds: z.number().nullable(),
    p90Seconds: z.number().nullable(),
    /** what one point of the series covers (a day up to 62 days, then ISO weeks, months, years) */
    bucket: z.enum(["day", "week", "month", "year"]),
    series: z.array(
      z.object({
        /** the period's first day, YYYY-MM-DD in the business's zone */
        period: z.string(),
        leads: z.number(),
        responded: z.number(),
        medianFirstResponseSeconds: z.number().nullable(),
        p90FirstResponseSeconds: z.number().nullable(),
      }),
    ),
  }),
  missedCalls: z.object({ missed: z.number(), textedBack: z.number() }),
  revenue: z.number(),
  revenueCents: z.number(),
  bySource: z.array(
    z
      .object({
        source: z.string(),
        leads: z.number(),
        responded: z.number(),
        medianFirstResponseSeconds: z.number().nullable(),
        p90FirstResponseSeconds: z.number().nullable(),
        booked: z.number(),
        won: z.number(),
        revenue: z.number(),
      })
      .passthrough(),
  ),
  reviews: z.object({ requested: z.number(), clicked: z.number() }),
});
export type TReport = z.infer<typeof ZReport>;

/** one SSE `change` event on the inbox stream: something in this conversation moved */
export const ZInboxChange = z.object({ conversationId: z.string(), type: z.string() });

export const ZAppointment = z.object({
  id: z.string(),
  start: z.string(),
  end: z.string(),
  service: z.object({ key: z.string(), name: z.string().nullable() }),
  status: z.string(),
  crew: z.number(),
  contact: z.object({ id: z.string(), name: z.string().nullable(), phone: z.string().nullable() }),
  conversationId: z.string().nullable(),
});
export type TAppointment = z.infer<typeof ZAppointment>;
export const ZAppointments = z.object({ business: z.string(), timezone: z.string(), from: z.string(), to: z.string(), appointments: z.array(ZAppointment) });

export const ZSegmentQuery = z.object({ segment: z.string().max(2000).default("") });
export const ZSegmentCount = z.object({ count: z.number() });
export const ZCampaignBody = z.object({
  sequence: z.string().regex(/^[\w-]{1,80}$/, "must be a sequence name (a file under prompts/sequences)"),
  segment: z.string().max(2000).default(""),
});
export const ZCampaignPreview = z.object({ enrolled: z.number(), skipped: z.record(z.string(), z.number()), lines: z.array(z.string()) });
export type TCampaignPreview = z.infer<typeof ZCampaignPreview>;
export const ZCampaignRow = z.object({
  id: z.string(),
  sequenceKey: z.string(),
  segment: z.string().nullable(),
  status: z.string(),
  createdAt: ZIso,
  pausedAt: ZIso.nullable(),
  enrolled: z.number(),
  skipped: z.number(),
  sent: z.number(),
  scheduled: z.number(),
  replied: z.number(),
  optedOut: z.number(),
  booked: z.number(),
  audit: z.array(ZAudit),
});
export type TCampaignRow = z.infer<typeof ZCampaignRow>;
export const ZCampaigns = z.object({ sequences: z.array(z.object({ key: z.string(), name: z.string() })), campaigns: z.array(ZCampaignRow) });
export const ZLaunched = z.object({ ok: z.boolean(), message: z.string(), campaignId: z.string() });

export const ZSequenceRow = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  purpose: z.string(),
  trigger: z.string(),
  stopWhen: z.array(z.string()),
  steps: z.array(z.object({ when: z.string(), template: z.string(), ai: z.boolean() })),
  enabled: z.boolean(),
  active: z.array(z.object({ id: z.string(), contact: z.string(), step: z.number(), nextAt: ZIso.nullable(), conversationId: z.string().nullable() })),
  activeCount: z.number(),
});
export type TSequenceRow = z.infer<typeof ZSequenceRow>;
export const ZSequences = z.object({ sequences: z.array(ZSequenceRow) });
export const ZSequenceSwitch = z.object({ enabled: z.boolean() });

export const ZPromptDraft = z.object({ text: z.string().max(60_000, "a prompt of at most 60,000 characters") });
export const ZPromptTestBody = ZPromptDraft.extend({ message: z.string().trim().min(1, "type what the homeowner says").max(1000) });
export const ZRollbackBody = z.object({ version: z.number().int().min(1) });
export const ZProblem = z.object({ line: z.number(), message: z.string(), severity: z.enum(["error", "warning"]) });
export type TProblem = z.infer<typeof ZProblem>;
export const ZProblems = z.object({ problems: z.array(ZProblem) });
export const ZPromptVersion = z.object({ version: z.number(), actor: z.string(), note: z.string(), createdAt: ZIso, published: z.boolean() });
export const ZPrompts = z.object({
  published: z.object({ text: z.string(), version: z.number().nullable(), source: z.string() }),
  history: z.array(ZPromptVersion),
  variables: z.array(z.string()),
  templates: z.array(z.object({ name: z.string(), text: z.string(), variables: z.array(z.string()) })),
});
export type TPrompts = z.infer<typeof ZPrompts>;
export const ZDraftTest = z.object({
  toolCalls: z.array(z.object({ name: z.string(), arguments: z.string(), result: z.record(z.string(), z.unknown()) })),
  guard: z.array(z.object({ reply: z.string(), ok: z.boolean(), problems: z.array(z.string()) })),
  reply: z.string().nullable(),
});
export type TDraftTest = z.infer<typeof ZDraftTest>;

/** a new start in the business's own time, as a datetime-local field gives it ("2026-11-20T10:00") */
export const ZRescheduleBody = z.object({ start: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "must be a local date and time (YYYY-MM-DDTHH:MM)") });

export const ZReplayBody = ZPromptDraft.extend({ only: z.string().max(200).optional() });
const ZReplayRow = z.object({ name: z.string(), passed: z.boolean(), failures: z.array(z.string()) });
export const ZReplayResult = z.object({ draft: z.array(ZReplayRow), published: z.array(ZReplayRow), realModel: z.boolean() });
export type TReplayResult = z.infer<typeof ZReplayResult>;

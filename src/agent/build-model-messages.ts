// What the model sees: the business's system prompt (stable first, for provider prompt caching),
// then this conversation's facts, then the recent messages — older ones only mentioned, so a long
// thread stays bounded.
import type { Ctx } from "../context.ts";
import { formatSlot } from "../scheduling/format-slot.ts";
import { boundInboundText } from "./bound-inbound-text.ts";
import type { LlmMessage } from "./llm/llm-provider.ts";
import type { ReplyTarget } from "./send-agent-reply.ts";
import { preparedName } from "../db/prepared-name.ts";

const RECENT = 20;
/** longer than any one SMS (1,600) or chat message (1,000): a stored body past it is shown by its head and tail */
const MAX_MESSAGE_CHARS = 2000;

export interface ConversationFacts {
  offeredSlots: { startAt: Date; endAt: Date; serviceKey: string }[];
  bookedSlots: { id: string; startAt: Date; endAt: Date; serviceKey: string }[];
  leadAnswers: Record<string, unknown>;
  firstAiMessage: boolean;
  /** the homeowner's messages since the last answer */
  lastInbound: string;
  /** the conversation's latest messages, newest first: one more than shown tells whether older ones exist */
  latest: RecentMessage[];
}

interface RecentMessage {
  direction: string;
  author: string;
  body: string;
  channel: string;
}

// One statement (the turn waits on it before the model is asked): the times offered and booked,
// the lead's answers, whether the AI has spoken here, and the latest messages. Times come back as
// epoch ms (json has no zone).
const FACTS_SQL = `
SELECT
  coalesce((SELECT json_agg(json_build_object('startMs', (extract(epoch from s."startAt") * 1000)::float8,
              'endMs', (extract(epoch from s."endAt") * 1000)::float8, 'serviceKey', s."serviceKey") ORDER BY s."startAt")
            FROM (SELECT "startAt", "endAt", "serviceKey" FROM "OfferedSlot"
                   WHERE "conversationId" = $1 AND "businessId" = $2 AND "startAt" > $4::timestamp
                   ORDER BY "startAt" ASC LIMIT 20) s), '[]') AS "offered",
  coalesce((SELECT json_agg(json_build_object('id', a."id", 'startMs', (extract(epoch from a."startAt") * 1000)::float8,
              'endMs', (extract(epoch from a."endAt") * 1000)::float8, 'serviceKey', a."serviceKey") ORDER BY a."startAt")
            FROM "Appointment" a
           WHERE a."businessId" = $2 AND a."contactId" = $3 AND a."status" = 'booked' AND a."startAt" > $4::timestamp), '[]') AS "booked",
  (SELECT l."answers" FROM "Lead" l WHERE l."businessId" = $2 AND l."contactId" = $3 ORDER BY l."createdAt" ASC LIMIT 1) AS "answers",
  EXISTS (SELECT 1 FROM "Message" m WHERE m."conversationId" = $1 AND m."direction" = 'outbound' AND m."author" = 'ai') AS "aiSpoke",
  coalesce((SELECT json_agg(json_build_object('direction', r."direction", 'author', r."author", 'body', r."body", 'channel', r."channel")
              ORDER BY r."createdAt" DESC, r."id" DESC)
            FROM (SELECT "direction", "author", "body", "channel", "createdAt", "id" FROM "Message"
                   WHERE "conversationId" = $1 AND "status" NOT IN ('blocked', 'failed', 'canceled')
                   ORDER BY "createdAt" DESC, "id" DESC LIMIT $5) r), '[]') AS "latest"`;

/** what the facts are read by: the business and the conversation's id and contact */
export interface FactsTarget {
  business: ReplyTarget["business"];
  conversation: Pick<ReplyTarget["conversation"], "id" | "contactId">;
}

export async function loadConversationFacts(ctx: Ctx, t: FactsTarget, now: Date, lastInbound: string): Promise<ConversationFacts> {
  type Span = { startMs: number; endMs: number; serviceKey: string };
  const [r] = await ctx.sql<{
    offered: Span[];
    booked: (Span & { id: string })[];
    answers: Record<string, unknown> | null;
    aiSpoke: boolean;
    latest: RecentMessage[];
  }>(FACTS_SQL, [t.conversation.id, t.business.id, t.conversation.contactId, now.toISOString(), RECENT + 1], preparedName(FACTS_SQL));
  const span = (x: Span) => ({ startAt: new Date(x.startMs), endAt: new Date(x.endMs), serviceKey: x.serviceKey });
  return {
    offeredSlots: r!.offered.map(span),
    bookedSlots: r!.booked.map((x) => ({ id: x.id, ...span(x) })),
    leadAnswers: r!.answers ?? {},
    firstAiMessage: !r!.aiSpoke,
    lastInbound,
    latest: r!.latest,
  };
}

export function buildModelMessages(
  t: ReplyTarget,
  systemPrompt: string,
  facts: ConversationFacts,
  contact: { name: string | null; zip: string | null },
): LlmMessage[] {
  const recent = facts.latest.slice(0, RECENT).reverse();
  const channel = t.conversation.channel === "webchat" ? "web chat" : "SMS";
  return [
    { role: "system", content: systemPrompt },
    { role: "system", content: describeFacts(t, facts, contact, { channel, olderHidden: facts.latest.length > RECENT }) },
    ...recent.map((m): LlmMessage => {
      const body = boundInboundText(m.body, MAX_MESSAGE_CHARS);
      return m.direction === "inbound"
        ? { role: "user", content: m.channel === "voice" ? `${m.body.startsWith('Voicemail: "') ? "[voicemail]" : "[phone]"} ${body}` : body }
        : { role: "assistant", content: m.author === "human" ? `[sent by the office] ${body}` : body };
    }),
  ];
}

/** The conversation's facts as the model reads them (a system message); the voice agent renews it every spoken turn. */
export function describeFacts(
  t: ReplyTarget,
  facts: ConversationFacts,
  contact: { name: string | null; zip: string | null },
  o: { channel: string; olderHidden: boolean },
): string {
  const tz = t.business.profile.timezone;
  const lines = [
    `Channel: ${o.channel}.`,
    `Homeowner: ${contact.name ?? "name unknown"}; job ZIP ${contact.zip ?? "unknown"}.`,
    `Lead details so far: ${Object.keys(facts.leadAnswers).length ? JSON.stringify(facts.leadAnswers) : "none"}.`,
    facts.offeredSlots.length
      ? `Times you offered (the only ones you may mention or book): ${facts.offeredSlots.map((s) => `${formatSlot(s.startAt, tz)} [${s.serviceKey}, start=${s.startAt.toISOString()}]`).join("; ")}.`
      : "You have not offered any times yet: call find_slots before mentioning a time.",
    facts.bookedSlots.length
      ? `Booked: ${facts.bookedSlots.map((a) => `${formatSlot(a.startAt, tz)} [${a.serviceKey}, appointment ${a.id}]`).join("; ")}.`
      : "Nothing booked yet.",
    facts.firstAiMessage ? `This is your first message in this conversation: say you are ${t.business.profile.name}'s virtual assistant.` : "",
    o.olderHidden ? "(Earlier messages are not shown.)" : "",
  ].filter(Boolean);
  return `Conversation facts:\n${lines.join("\n")}`;
}

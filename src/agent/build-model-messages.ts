// What the model sees: the business's system prompt (stable first, for provider prompt caching),
// then this conversation's facts, then the recent messages — older ones only mentioned, so a long
// thread stays bounded.
import type { Ctx } from "../context.ts";
import { formatSlot } from "../scheduling/format-slot.ts";
import { boundInboundText } from "./bound-inbound-text.ts";
import type { LlmMessage } from "./llm/llm-provider.ts";
import type { ReplyTarget } from "./send-agent-reply.ts";

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
}

export async function loadConversationFacts(ctx: Ctx, t: ReplyTarget, now: Date, lastInbound: string): Promise<ConversationFacts> {
  const [offered, booked, lead, ai] = await Promise.all([
    ctx.prisma.offeredSlot.findMany({
      where: { conversationId: t.conversation.id, businessId: t.business.id, startAt: { gt: now } },
      orderBy: { startAt: "asc" },
      take: 20,
    }),
    ctx.prisma.appointment.findMany({
      where: { businessId: t.business.id, contactId: t.conversation.contactId, status: "booked", startAt: { gt: now } },
      orderBy: { startAt: "asc" },
    }),
    ctx.prisma.lead.findFirst({
      where: { businessId: t.business.id, contactId: t.conversation.contactId },
      orderBy: { createdAt: "asc" },
      select: { answers: true },
    }),
    ctx.prisma.message.count({ where: { conversationId: t.conversation.id, direction: "outbound", author: "ai" } }),
  ]);
  return {
    offeredSlots: offered,
    bookedSlots: booked,
    leadAnswers: (lead?.answers as Record<string, unknown> | null) ?? {},
    firstAiMessage: ai === 0,
    lastInbound,
  };
}

export async function buildModelMessages(
  ctx: Ctx,
  t: ReplyTarget,
  systemPrompt: string,
  facts: ConversationFacts,
  contact: { name: string | null; zip: string | null },
): Promise<LlmMessage[]> {
  const latest = await ctx.prisma.message.findMany({
    where: { conversationId: t.conversation.id, status: { notIn: ["blocked", "failed", "canceled"] } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: RECENT + 1, // one more than shown tells whether older ones exist
    select: { direction: true, author: true, body: true, channel: true },
  });
  const recent = latest.slice(0, RECENT).reverse();
  const channel = t.conversation.channel === "webchat" ? "web chat" : "SMS";
  return [
    { role: "system", content: systemPrompt },
    { role: "system", content: describeFacts(t, facts, contact, { channel, olderHidden: latest.length > RECENT }) },
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

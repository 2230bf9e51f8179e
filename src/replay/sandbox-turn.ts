// A homeowner line in through the one door in (recordInboundMessage), then one agent turn run
// here and now (runAgentTurn), and what that turn did, read back from its AgentTurn row and the
// messages it sent. `agent chat` and `agent replay` both drive the agent this way.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { captureTouch } from "../inbox/capture-touch.ts";
import { recordInboundMessage } from "../inbox/record-inbound-message.ts";
import { resolveContact } from "../inbox/resolve-contact.ts";
import { runAgentTurn, type TurnOutcome } from "../agent/run-agent-turn.ts";
import { TURN_RESPONDERS } from "../boot/start-workers.ts";

export interface Sandbox {
  business: BusinessRef;
  contactId: string;
  conversationId: string | undefined;
  channel: "sms" | "webchat";
  /** the homeowner's number (sms) */
  phone: string | undefined;
  /** the lead's source (the lead is marked a test, so reports leave it out) */
  source: string;
}

export interface ToolCallView {
  name: string;
  arguments: string;
  result: Record<string, unknown>;
}

export interface GuardView {
  reply: string;
  ok: boolean;
  problems: string[];
}

export interface ReplyView {
  body: string;
  author: string;
  purpose: string | null;
  status: string;
}

export interface TurnView {
  outcome: TurnOutcome | "error";
  mode: string | undefined;
  error: string | undefined;
  toolCalls: ToolCallView[];
  guard: GuardView[];
  /** what went out to the homeowner during this turn, oldest first */
  replies: ReplyView[];
  /** a person handles the conversation now (the agent stays quiet) */
  handedOff: boolean;
}

/** A homeowner of the business to talk as: a web chat visitor, or a texter when a phone is given. */
export async function openSandbox(ctx: Ctx, business: BusinessRef, o: { phone?: string; name: string; source: string }): Promise<Sandbox> {
  const contact = await resolveContact(ctx.prisma, { businessId: business.id, name: o.name, ...(o.phone ? { phone: o.phone } : {}) }, ctx.clock.now());
  return {
    business,
    contactId: contact.id,
    conversationId: undefined,
    channel: o.phone ? "sms" : "webchat",
    phone: o.phone,
    source: o.source,
  };
}

/** One line from the homeowner and the agent's turn on it. A turn that throws is reported, not rethrown. */
export async function sayAndAnswer(ctx: Ctx, sb: Sandbox, body: string, providerId: string): Promise<TurnView> {
  const at = ctx.clock.now();
  const businessNumber = sb.business.profile.phoneNumbers[0];
  const sms = sb.channel === "sms";
  const r = await recordInboundMessage(ctx, {
    businessId: sb.business.id,
    contact: { id: sb.contactId },
    conversationId: sb.conversationId,
    channel: sb.channel,
    body,
    providerId,
    at,
    replyChannel: sb.channel,
    ...(sms ? { from: sb.phone, to: businessNumber, businessNumber } : {}),
  });
  const conversationId = r.conversation.id;
  sb.conversationId = conversationId;
  if (r.opened) {
    await captureTouch(ctx.prisma, {
      businessId: sb.business.id,
      contactId: sb.contactId,
      conversationId,
      channel: sb.channel,
      source: sb.source,
      attribution: {},
      isTest: true,
      at,
    });
  }

  let outcome: TurnView["outcome"];
  let thrown: string | undefined;
  try {
    outcome = await runAgentTurn(ctx, conversationId, TURN_RESPONDERS);
  } catch (e) {
    outcome = "error";
    thrown = (e as Error).message;
  }
  const [turn, sent, conv] = await Promise.all([
    ctx.prisma.agentTurn.findUnique({ where: { conversationId_triggerMessageId: { conversationId, triggerMessageId: r.messageId } } }),
    ctx.prisma.message.findMany({
      where: { conversationId, direction: "outbound", createdAt: { gte: at } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { body: true, author: true, purpose: true, status: true },
    }),
    ctx.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { handledBy: true } }),
  ]);
  return {
    outcome,
    mode: turn?.mode,
    error: thrown ?? turn?.error ?? undefined,
    toolCalls: Array.isArray(turn?.toolCalls) ? (turn.toolCalls as unknown as ToolCallView[]) : [],
    guard: Array.isArray(turn?.guard) ? (turn.guard as unknown as GuardView[]) : [],
    replies: sent,
    handedOff: conv.handledBy === "human",
  };
}

/** The turn as plain text lines: tool calls with arguments and results, guard verdicts, replies. */
export function describeTurn(t: TurnView, width = 400): string[] {
  const clip = (s: string) => (s.length > width ? `${s.slice(0, width - 3)}...` : s);
  const lines: string[] = [];
  for (const c of t.toolCalls) {
    lines.push(`  tool   ${c.name} ${clip(c.arguments)}`);
    lines.push(`         -> ${clip(JSON.stringify(c.result))}`);
  }
  for (const g of t.guard) {
    lines.push(g.ok ? `  guard  ok: "${clip(g.reply)}"` : `  guard  BLOCKED: "${clip(g.reply)}"`);
    for (const p of g.problems) lines.push(`         - ${p}`);
  }
  const emergency = t.replies.some((m) => m.purpose === "emergency");
  const how = [
    emergency ? "emergency flow (no model)" : t.mode === "template" ? "template mode" : t.mode === "llm" ? "model" : undefined,
    t.outcome === "not-needed" ? "no turn needed" : t.outcome,
  ]
    .filter(Boolean)
    .join(", ");
  if (t.error) lines.push(`  error  ${clip(t.error)}`);
  for (const m of t.replies) lines.push(`  reply  [${m.author}${m.purpose ? `, ${m.purpose}` : ""}] ${m.body}`);
  if (t.replies.length === 0) lines.push("  reply  (none)");
  lines.push(`  turn   ${how}${t.handedOff ? "; a person handles this conversation now" : ""}`);
  return lines;
}

// One model turn: the model proposes (a reply, tool calls), the code decides. Tool calls are
// checked with zod and run in the conversation's scope; the reply passes the guard (one repair
// attempt), else a safe fallback goes out and a person takes over.
import type { Ctx } from "../context.ts";
import { wallMs } from "../lib/clock.ts";
import { buildModelMessages, loadConversationFacts, type ConversationFacts, type FactsTarget } from "./build-model-messages.ts";
import type { TurnRecord } from "./claim-turn.ts";
import { guardReply } from "./guard-reply.ts";
import { businessFacts, servicesMentioned } from "./guard/guard-facts.ts";
import { deadlinePassed } from "./llm/complete-before.ts";
import { draftReply } from "./draft-reply.ts";
import type { LlmMessage, LlmProvider } from "./llm/llm-provider.ts";
import { publishedPrompt, type PublishedPrompt } from "./prompts/published-prompt.ts";
import { promptVariables, renderPrompt } from "./prompts/render-prompt.ts";
import { renderTemplate } from "../lib/render-template.ts";
import { sendAgentReply, type ReplyTarget } from "./send-agent-reply.ts";
import type { NewerInbound } from "../messaging/record-outbound.ts";
import { runToolCall, toolsFor } from "./tools/agent-tools.ts";

export interface ConverseOptions {
  triggerId: string;
  /** the homeowner's messages since the last answer (the burst this turn answers) */
  inboundText: string;
  /** true once a newer homeowner message makes this turn's reply stale */
  isStale: () => Promise<boolean>;
  /** the same question, asked by the reply's own insert (one statement instead of two) */
  staleAfter: NewerInbound;
  /** aborts at the turn's deadline: the model call is abandoned and nothing the model wrote is sent */
  deadline: AbortSignal;
  /** the prompt and the facts, read while the turn was being claimed (see readModelInput) */
  input?: Promise<ModelInput>;
}

export interface ModelInput {
  prompt: PublishedPrompt["prompt"];
  facts: ConversationFacts;
}

/** The published prompt and the conversation's facts, side by side (one wait on the database). */
export async function readModelInput(ctx: Ctx, t: FactsTarget, now: Date, lastInbound: string): Promise<ModelInput> {
  const [{ prompt }, facts] = await Promise.all([publishedPrompt(ctx.sql, t.business), loadConversationFacts(ctx, t, now, lastInbound)]);
  return { prompt, facts };
}

export async function converseWithModel(ctx: Ctx, llm: LlmProvider, t: ReplyTarget, o: ConverseOptions): Promise<TurnRecord> {
  const started = wallMs();
  const now = ctx.clock.now();
  const profile = t.business.profile;
  // the homeowner's messages this turn answers (the whole burst)
  const lastInbound = o.inboundText;
  const { prompt, facts: firstFacts } = await (o.input ?? readModelInput(ctx, t, now, lastInbound));
  // responders' notes may have joined the homeowner's words since the facts were read
  let facts = { ...firstFacts, lastInbound };
  const fm = prompt.frontMatter;
  const model = profile.ai.model ?? fm.model ?? ctx.env.OPENAI_MODEL ?? "gpt-4o-mini";
  const tools = toolsFor(fm.tools);
  const scope = { business: t.business, conversationId: t.conversation.id, contactId: t.conversation.contactId, now };
  const messages: LlmMessage[] = buildModelMessages(t, renderPrompt(prompt, promptVariables(profile, now)), facts, {
    name: t.contact.name ?? null,
    zip: t.contact.zip ?? null,
  });
  let toolsRan = false;
  const discussed = new Set<string>();
  let handedOff = false;
  const drafted = await draftReply(llm, {
    model,
    messages,
    tools,
    limits: fm,
    deadline: o.deadline,
    async runTool(call) {
      toolsRan = true;
      const result = await runToolCall(ctx, scope, tools, call);
      if (call.name === "handoff_to_human" && result.ok) handedOff = true;
      const service = safeService(call.arguments);
      if (service) discussed.add(service);
      return result;
    },
    async guard(text) {
      // tools may have offered or booked times since: read the facts again only then
      if (toolsRan) facts = await loadConversationFacts(ctx, t, now, lastInbound);
      toolsRan = false;
      const lead = facts.leadAnswers.service;
      if (typeof lead === "string") discussed.add(lead);
      for (const key of servicesMentioned(profile, lastInbound)) discussed.add(key);
      return guardReply(text, {
        ...businessFacts(profile),
        discussedServiceKeys: [...discussed],
        offeredSlots: facts.offeredSlots,
        bookedSlots: facts.bookedSlots,
        now,
        maxChars: fm.maxReplyChars,
        firstAiMessage: facts.firstAiMessage,
        lastInbound,
      });
    },
  });
  const reply = drafted.reply;
  const record: TurnRecord & { toolCalls: unknown[]; guard: unknown[] } = {
    status: "replied",
    mode: "llm",
    model: drafted.model,
    promptTokens: drafted.promptTokens,
    completionTokens: drafted.completionTokens,
    toolCalls: drafted.toolCalls,
    guard: drafted.guard,
  };
  record.latencyMs = wallMs() - started;
  // a reply finished after the deadline is late: the template answer has its turn instead
  if (o.deadline.aborted) throw deadlinePassed();

  if (reply === undefined) {
    if (await o.isStale()) return { ...record, status: "superseded" };
    // the model could not produce a reply that passes: a safe answer, and a person takes over
    const { handoffToHuman } = await import("./tools/handoff-to-human.ts");
    if (!handedOff) await handoffToHuman.run(ctx, scope, { reason: "the assistant could not write a reply that passes the checks" });
    const sent = await sendAgentReply(ctx, t, {
      body: renderTemplate(ctx.templates.agentFallback, { business: profile.name }),
      author: "system",
      purpose: "agent-fallback",
      dedupeKey: `fallback-${o.triggerId}`,
    });
    return { ...record, status: "handed-off", replyMessageId: sent?.id };
  }
  const sent = await sendAgentReply(ctx, t, { body: reply, author: "ai", purpose: "reply", dedupeKey: `ai-${o.triggerId}`, unlessNewerInbound: o.staleAfter });
  if (sent === null) return { ...record, status: "superseded" };
  return { ...record, status: handedOff ? "handed-off" : "replied", replyMessageId: sent?.id };
}

function safeService(args: string): string | undefined {
  try {
    const v = (JSON.parse(args) as { service?: unknown }).service;
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

// One model turn: the model proposes (a reply, tool calls), the code decides. Tool calls are
// checked with zod and run in the conversation's scope; the reply passes the guard (one repair
// attempt), else a safe fallback goes out and a person takes over.
import type { Ctx } from "../context.ts";
import { wallMs } from "../lib/clock.ts";
import { buildModelMessages, loadConversationFacts } from "./build-model-messages.ts";
import type { TurnRecord } from "./claim-turn.ts";
import { guardReply } from "./guard-reply.ts";
import { completeBefore, deadlinePassed } from "./llm/complete-before.ts";
import { limitReplyTokens } from "./llm/limit-reply-tokens.ts";
import type { LlmMessage, LlmProvider } from "./llm/llm-provider.ts";
import { publishedPrompt } from "./prompts/published-prompt.ts";
import { promptVariables, renderPrompt } from "./prompts/render-prompt.ts";
import { renderTemplate } from "../lib/render-template.ts";
import { sendAgentReply, type ReplyTarget } from "./send-agent-reply.ts";
import { runToolCall, toolsFor } from "./tools/agent-tools.ts";

export interface ConverseOptions {
  triggerId: string;
  /** the homeowner's messages since the last answer (the burst this turn answers) */
  inboundText: string;
  /** true once a newer homeowner message makes this turn's reply stale */
  isStale: () => Promise<boolean>;
  /** aborts at the turn's deadline: the model call is abandoned and nothing the model wrote is sent */
  deadline: AbortSignal;
}

export async function converseWithModel(ctx: Ctx, llm: LlmProvider, t: ReplyTarget, o: ConverseOptions): Promise<TurnRecord> {
  const started = wallMs();
  const now = ctx.clock.now();
  const profile = t.business.profile;
  const { prompt } = await publishedPrompt(ctx.prisma, t.business);
  const fm = prompt.frontMatter;
  const model = profile.ai.model ?? fm.model ?? ctx.env.OPENAI_MODEL ?? "gpt-4o-mini";
  const tools = toolsFor(fm.tools);
  // the homeowner's messages this turn answers (the whole burst)
  const lastInbound = o.inboundText;
  const scope = { business: t.business, conversationId: t.conversation.id, contactId: t.conversation.contactId, now };
  let facts = await loadConversationFacts(ctx, t, now, lastInbound);
  const messages: LlmMessage[] = await buildModelMessages(ctx, t, renderPrompt(prompt, promptVariables(profile, now)), facts, {
    name: t.contact.name ?? null,
    zip: t.contact.zip ?? null,
  });
  let toolsRan = false;

  const record: TurnRecord & { toolCalls: unknown[]; guard: unknown[] } = {
    status: "replied",
    mode: "llm",
    model,
    promptTokens: 0,
    completionTokens: 0,
    toolCalls: [],
    guard: [],
  };
  const discussed = new Set<string>();
  let handedOff = false;
  let reply: string | undefined;
  let repaired = false;
  for (let step = 0; step <= fm.maxToolSteps + 1 && reply === undefined; step++) {
    const maxTokens = limitReplyTokens(fm.maxReplyChars);
    const res = await completeBefore(llm, { model, messages, tools: tools.map((x) => x.llm), temperature: fm.temperature, maxTokens }, o.deadline);
    record.promptTokens! += res.usage.promptTokens;
    record.completionTokens! += res.usage.completionTokens;
    record.model = res.model;
    if (res.toolCalls.length && step < fm.maxToolSteps) {
      messages.push({
        role: "assistant",
        content: res.content,
        tool_calls: res.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
      });
      for (const call of res.toolCalls) {
        toolsRan = true;
        const result = await runToolCall(ctx, scope, tools, call);
        record.toolCalls.push({ name: call.name, arguments: call.arguments, result });
        if (call.name === "handoff_to_human" && result.ok) handedOff = true;
        const service = safeService(call.arguments);
        if (service) discussed.add(service);
        messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
      }
      continue;
    }
    const text = (res.content ?? "").trim();
    // tools may have offered or booked times since: read the facts again only then
    if (toolsRan) facts = await loadConversationFacts(ctx, t, now, lastInbound);
    toolsRan = false;
    const lead = facts.leadAnswers.service;
    if (typeof lead === "string") discussed.add(lead);
    for (const s of profile.services) if ([s.name, ...s.aliases].some((w) => lastInbound.toLowerCase().includes(w.toLowerCase()))) discussed.add(s.key);
    const verdict = guardReply(text, {
      businessName: profile.name,
      services: profile.services,
      discussedServiceKeys: [...discussed],
      offeredSlots: facts.offeredSlots,
      bookedSlots: facts.bookedSlots,
      timezone: profile.timezone,
      now,
      maxChars: fm.maxReplyChars,
      allowedPromises: profile.ai.allowedPromises,
      policies: profile.policies,
      firstAiMessage: facts.firstAiMessage,
      lastInbound,
    });
    record.guard.push({ reply: text, ok: verdict.ok, problems: verdict.problems });
    if (verdict.ok) {
      reply = verdict.reply;
      break;
    }
    if (repaired) break;
    repaired = true;
    messages.push({ role: "assistant", content: text });
    messages.push({
      role: "system",
      content: `That reply was NOT sent: ${verdict.problems.join("; ")}. Write a corrected reply to the homeowner (plain text, nothing else).`,
    });
  }
  record.latencyMs = wallMs() - started;
  // a reply finished after the deadline is late: the template answer has its turn instead
  if (o.deadline.aborted) throw deadlinePassed();

  if (await o.isStale()) return { ...record, status: "superseded" };
  if (reply === undefined) {
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
  const sent = await sendAgentReply(ctx, t, { body: reply, author: "ai", purpose: "reply", dedupeKey: `ai-${o.triggerId}` });
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

// The model proposes, the code decides: tool calls are run by the caller (for real in a turn, not
// at all in the console's sandbox), and every reply the model writes passes the reply guard, with
// one repair attempt. Shared by the agent's turn and the console's "Test" so the sandbox behaves as
// a real turn does.
import type { GuardVerdict } from "./guard-reply.ts";
import { completeBefore } from "./llm/complete-before.ts";
import { limitReplyTokens } from "./llm/limit-reply-tokens.ts";
import type { LlmMessage, LlmProvider, LlmToolCall } from "./llm/llm-provider.ts";
import type { ReadyTool } from "./tools/agent-tools.ts";

export interface DraftReplyInput {
  model: string;
  /** the conversation so far; the loop appends the tool calls, their results and any repair request */
  messages: LlmMessage[];
  tools: ReadyTool[];
  /** from the prompt's front matter */
  limits: { temperature: number; maxToolSteps: number; maxReplyChars: number };
  /** aborts the model call (the turn's deadline) */
  deadline: AbortSignal;
  runTool(call: LlmToolCall): Promise<Record<string, unknown>>;
  guard(text: string): Promise<GuardVerdict>;
}

export interface DraftedReply {
  /** the reply that passed the guard (normalised); undefined when none did */
  reply: string | undefined;
  toolCalls: { name: string; arguments: string; result: Record<string, unknown> }[];
  guard: { reply: string; ok: boolean; problems: string[] }[];
  model: string;
  promptTokens: number;
  completionTokens: number;
}

export async function draftReply(llm: LlmProvider, d: DraftReplyInput): Promise<DraftedReply> {
  const { temperature, maxToolSteps, maxReplyChars } = d.limits;
  const out: DraftedReply = { reply: undefined, toolCalls: [], guard: [], model: d.model, promptTokens: 0, completionTokens: 0 };
  const maxTokens = limitReplyTokens(maxReplyChars);
  let repaired = false;
  for (let step = 0; step <= maxToolSteps + 1 && out.reply === undefined; step++) {
    const res = await completeBefore(llm, { model: d.model, messages: d.messages, tools: d.tools.map((x) => x.llm), temperature, maxTokens }, d.deadline);
    out.promptTokens += res.usage.promptTokens;
    out.completionTokens += res.usage.completionTokens;
    out.model = res.model;
    if (res.toolCalls.length && step < maxToolSteps) {
      d.messages.push({
        role: "assistant",
        content: res.content,
        tool_calls: res.toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })),
      });
      for (const call of res.toolCalls) {
        const result = await d.runTool(call);
        out.toolCalls.push({ name: call.name, arguments: call.arguments, result });
        d.messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
      }
      continue;
    }
    const text = (res.content ?? "").trim();
    const verdict = await d.guard(text);
    out.guard.push({ reply: text, ok: verdict.ok, problems: verdict.problems });
    if (verdict.ok) {
      out.reply = verdict.reply;
      break;
    }
    if (repaired) break;
    repaired = true;
    d.messages.push({ role: "assistant", content: text });
    d.messages.push({
      role: "system",
      content: `That reply was NOT sent: ${verdict.problems.join("; ")}. Write a corrected reply to the homeowner (plain text, nothing else).`,
    });
  }
  return out;
}

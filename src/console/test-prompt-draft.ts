// "Test" on the Prompts page: one homeowner message answered by the model with the DRAFT prompt, in
// a sandbox that writes nothing — no conversation, no text, no booking. Tool calls the model makes
// are shown and answered "not run in the sandbox"; every reply goes through the reply guard and
// its verdict is shown (one repair attempt, as in a real turn).
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { guardReply } from "../agent/guard-reply.ts";
import type { LlmMessage } from "../agent/llm/llm-provider.ts";
import type { PromptFile } from "../agent/prompts/load-prompt.ts";
import { promptVariables, renderPrompt } from "../agent/prompts/render-prompt.ts";
import { toolsFor } from "../agent/tools/agent-tools.ts";
import { AppError } from "../lib/errors.ts";

export interface DraftTestResult {
  toolCalls: { name: string; arguments: string; result: Record<string, unknown> }[];
  guard: { reply: string; ok: boolean; problems: string[] }[];
  /** what would have been sent (null: every draft failed the guard; a real turn would hand off) */
  reply: string | null;
}

const NOT_RUN = { ok: false, sandbox: true, note: "not run: this is the console's prompt test (nothing is booked, changed or sent)" };

export async function testPromptDraft(
  ctx: Pick<Ctx, "llm" | "env" | "clock">,
  business: BusinessRef,
  prompt: PromptFile,
  message: string,
): Promise<DraftTestResult> {
  if (!ctx.llm) throw new AppError("conflict", "no AI model is set up (OPENAI_API_KEY): a draft cannot be tested");
  const profile = business.profile;
  const now = ctx.clock.now();
  const fm = prompt.frontMatter;
  const model = profile.ai.model ?? fm.model ?? ctx.env.OPENAI_MODEL ?? "gpt-4o-mini";
  const tools = toolsFor(fm.tools);
  const messages: LlmMessage[] = [
    { role: "system", content: renderPrompt(prompt, promptVariables(profile, now)) },
    { role: "user", content: message },
  ];
  const out: DraftTestResult = { toolCalls: [], guard: [], reply: null };
  let repaired = false;
  for (let step = 0; step <= fm.maxToolSteps + 1; step++) {
    const res = await ctx.llm.complete({ model, messages, tools: tools.map((t) => t.llm), temperature: fm.temperature });
    if (res.toolCalls.length && step < fm.maxToolSteps) {
      messages.push({
        role: "assistant",
        content: res.content,
        tool_calls: res.toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })),
      });
      for (const c of res.toolCalls) {
        out.toolCalls.push({ name: c.name, arguments: c.arguments, result: NOT_RUN });
        messages.push({ role: "tool", tool_call_id: c.id, content: JSON.stringify(NOT_RUN) });
      }
      continue;
    }
    const text = (res.content ?? "").trim();
    const verdict = guardReply(text, {
      businessName: profile.name,
      services: profile.services,
      discussedServiceKeys: profile.services
        .filter((s) => [s.name, ...s.aliases].some((w) => message.toLowerCase().includes(w.toLowerCase())))
        .map((s) => s.key),
      offeredSlots: [],
      bookedSlots: [],
      timezone: profile.timezone,
      now,
      maxChars: fm.maxReplyChars,
      allowedPromises: profile.ai.allowedPromises,
      policies: profile.policies,
      firstAiMessage: true,
      lastInbound: message,
    });
    out.guard.push({ reply: text, ok: verdict.ok, problems: verdict.problems });
    if (verdict.ok) {
      out.reply = verdict.reply;
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
  return out;
}

// "Test" on the Prompts page: one homeowner message answered by the model with the DRAFT prompt, in
// a sandbox that writes nothing — no conversation, no text, no booking. Tool calls the model makes
// are shown and answered "not run in the sandbox"; every reply goes through the reply guard and
// its verdict is shown (one repair attempt, the same loop as a real turn, within the same deadline).
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { draftReply } from "../agent/draft-reply.ts";
import { guardReply } from "../agent/guard-reply.ts";
import { businessFacts, servicesMentioned } from "../agent/guard/guard-facts.ts";
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
  const drafted = await draftReply(ctx.llm, {
    model,
    messages,
    tools,
    limits: fm,
    deadline: AbortSignal.timeout(profile.ai.replyDeadlineSeconds * 1000),
    runTool: async () => NOT_RUN,
    guard: async (text) =>
      guardReply(text, {
        ...businessFacts(profile),
        discussedServiceKeys: servicesMentioned(profile, message),
        offeredSlots: [],
        bookedSlots: [],
        now,
        maxChars: fm.maxReplyChars,
        firstAiMessage: true,
        lastInbound: message,
      }),
  });
  return { toolCalls: drafted.toolCalls, guard: drafted.guard, reply: drafted.reply ?? null };
}

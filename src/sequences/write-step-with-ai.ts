// An AI step: the model rewrites the step for this customer from the owner's instructions, and the
// reply guard checks it like any agent reply (no invented prices, times, promises or policies). Any
// trouble — no model, a failing one, a guarded-out text — sends the step's template instead.
import type { Ctx } from "../context.ts";
import type { TProfile } from "../config/profile-schema.ts";
import { guardReply } from "../agent/guard-reply.ts";

const MAX_CHARS = 300;

export interface AiStepInput {
  profile: TProfile;
  instructions: string;
  /** the step's template, filled in: the fallback, and the model's example */
  fallback: string;
  /** the last few messages of the conversation, oldest first */
  history: { direction: string; body: string }[];
  firstAiMessage: boolean;
}

export async function writeStepWithAi(ctx: Pick<Ctx, "llm" | "env" | "clock" | "log">, i: AiStepInput): Promise<{ body: string; author: "ai" | "template" }> {
  if (!ctx.llm || !i.profile.ai.enabled) return { body: i.fallback, author: "template" };
  const system = [
    `You write one text message (SMS) from ${i.profile.name}${i.profile.ai.persona ? ` (${i.profile.ai.persona})` : ""}, a home-service business, to a customer.`,
    `Instructions from the owner: ${i.instructions}`,
    `A text that would do: "${i.fallback}"`,
    `Rules: at most ${MAX_CHARS} characters, plain text, no prices, no dates or times, no promises or discounts, no links. Output the text only.`,
  ].join("\n");
  const history = i.history.map((m) => `${m.direction === "inbound" ? "Customer" : "Us"}: ${m.body}`).join("\n");
  try {
    const res = await ctx.llm.complete({
      model: i.profile.ai.model ?? ctx.env.OPENAI_MODEL ?? "gpt-4o-mini",
      messages: [
        { role: "system", content: system },
        { role: "user", content: history ? `Conversation so far:\n${history}` : "There is no conversation yet." },
      ],
      temperature: 0.4,
      maxTokens: 200,
    });
    const verdict = guardReply((res.content ?? "").trim().replace(/^"|"$/g, ""), {
      businessName: i.profile.name,
      services: i.profile.services,
      discussedServiceKeys: [],
      offeredSlots: [],
      timezone: i.profile.timezone,
      now: ctx.clock.now(),
      maxChars: MAX_CHARS,
      allowedPromises: i.profile.ai.allowedPromises,
      policies: i.profile.policies,
      firstAiMessage: i.firstAiMessage,
      lastInbound: "",
    });
    if (verdict.ok) return { body: verdict.reply, author: "ai" };
    ctx.log.info({ problems: verdict.problems }, "AI sequence step refused by the guard; sending the template");
  } catch (e) {
    ctx.log.warn({ err: (e as Error).message }, "AI sequence step failed; sending the template");
  }
  return { body: i.fallback, author: "template" };
}

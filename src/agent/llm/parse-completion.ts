// A non-streamed chat completion, checked (an OpenAI-compatible server may send anything).
import { z } from "zod";
import { LlmError, type LlmResult, type LlmToolCall } from "./llm-provider.ts";

const ZToolCall = z.object({
  id: z.string().min(1),
  type: z.string().optional(),
  function: z.object({
    name: z.string().min(1),
    // a few compatible servers send the arguments as an object instead of JSON text
    arguments: z.union([z.string(), z.record(z.string(), z.unknown()).transform((o) => JSON.stringify(o))]).default("{}"),
  }),
});
const ZCompletion = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(ZToolCall).nullish(),
          refusal: z.string().nullish(),
        }),
      }),
    )
    .min(1, "no choices"),
  usage: z.object({ prompt_tokens: z.number().int().min(0).default(0), completion_tokens: z.number().int().min(0).default(0) }).nullish(),
});

export function parseCompletion(raw: unknown, requested: string): Omit<LlmResult, "latencyMs"> {
  if (typeof raw !== "object" || raw === null) {
    throw new LlmError(`model answered with ${typeof raw === "string" ? "text" : String(raw)}, not a chat completion`, "malformed");
  }
  const r = ZCompletion.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new LlmError(`model answer is not a chat completion: ${issue.path.join(".") || "body"}: ${issue.message}`, "malformed");
  }
  const choice = r.data.choices[0]!;
  const toolCalls: LlmToolCall[] = (choice.message.tool_calls ?? [])
    .filter((c) => c.type === undefined || c.type === "function")
    .map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
  const content = choice.message.content ?? null;
  if (content === null && toolCalls.length === 0 && !choice.message.refusal) {
    throw new LlmError(`model answer has neither content nor tool calls (finish_reason ${choice.finish_reason ?? "null"})`, "malformed");
  }
  return {
    content: content ?? choice.message.refusal ?? null,
    toolCalls,
    usage: { promptTokens: r.data.usage?.prompt_tokens ?? 0, completionTokens: r.data.usage?.completion_tokens ?? 0 },
    model: r.data.model ?? requested,
    finishReason: choice.finish_reason ?? null,
  };
}

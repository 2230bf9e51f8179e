// The request body every attempt (streamed or not) sends: model, messages, sampling, the reply's
// token limit under the name the server knows, and the tools.
import type { OpenAI } from "openai";
import type { LlmRequest } from "./llm-provider.ts";

export interface AttemptOptions {
  /** per attempt, headers and body included */
  timeoutMs: number;
  maxTokensParam: "max_tokens" | "max_completion_tokens";
}

export function requestParams(
  req: LlmRequest,
  maxTokensParam: AttemptOptions["maxTokensParam"],
): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  return {
    model: req.model,
    messages: req.messages,
    ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
    ...(req.maxTokens === undefined ? {} : { [maxTokensParam]: req.maxTokens }),
    ...(req.tools?.length
      ? {
          tools: req.tools.map((t) => ({ type: "function" as const, function: { name: t.name, description: t.description, parameters: t.parameters } })),
          tool_choice: "auto" as const,
        }
      : {}),
  };
}

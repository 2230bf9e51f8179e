// One streamed attempt at a chat completion: text deltas go to the caller as they come (the voice
// agent speaks them), tool calls arrive as deltas keyed by index and are put together at the end.
import type { OpenAI } from "openai";
import { classify, type Failure } from "./openai-errors.ts";
import { LlmError, type LlmRequest, type LlmResult, type LlmToolCall } from "./llm-provider.ts";
import { requestParams, type AttemptOptions } from "./request-params.ts";

/**
 * One streamed attempt. The deadline covers the whole stream; `signal` (the caller hung up or
 * interrupted) aborts it. Tool calls arrive as deltas keyed by index: name and arguments are
 * concatenated until the stream ends.
 */
export async function streamAttempt(
  client: OpenAI,
  o: AttemptOptions,
  req: LlmRequest,
  onText: (delta: string) => void,
  signal: AbortSignal | undefined,
  emitted: { any: boolean },
): Promise<Omit<LlmResult, "latencyMs">> {
  const { timeoutMs } = o;
  const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming = {
    ...requestParams(req, o.maxTokensParam),
    stream: true,
    stream_options: { include_usage: true },
  };
  const deadline = new AbortController();
  const stop = () => deadline.abort();
  signal?.addEventListener("abort", stop, { once: true });
  const timer = setTimeout(stop, timeoutMs);
  let content = "";
  const calls: { id: string; name: string; arguments: string }[] = [];
  let usage = { promptTokens: 0, completionTokens: 0 };
  let model = req.model;
  let finishReason: string | null = null;
  // a body stream that ignores the abort must not hold the caller: the deadline (or the caller's
  // stop) ends the wait either way
  const ended = new Promise<never>((_, reject) => {
    deadline.signal.addEventListener("abort", () => reject(new LlmError(`model call timed out after ${timeoutMs} ms`, "timeout")), { once: true });
  });
  ended.catch(() => undefined);
  try {
    const consume = (async () => {
      const stream = await client.chat.completions.create(body, { signal: deadline.signal, timeout: timeoutMs, maxRetries: 0 });
      for await (const chunk of stream) {
        // a body that arrived whole is read on without waiting: stop at once when told
        if (deadline.signal.aborted) break;
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens ?? 0, completionTokens: chunk.usage.completion_tokens ?? 0 };
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const text = choice.delta?.content;
        if (text) {
          content += text;
          emitted.any = true;
          onText(text);
        }
        for (const d of choice.delta?.tool_calls ?? []) {
          const slot = (calls[d.index] ??= { id: "", name: "", arguments: "" });
          if (d.id) slot.id = d.id;
          if (d.function?.name) slot.name += d.function.name;
          if (d.function?.arguments) slot.arguments += d.function.arguments;
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    })();
    consume.catch(() => undefined);
    await Promise.race([consume, ended]);
  } catch (e) {
    if (signal?.aborted) throw { error: new LlmError("model call stopped by the caller", "network") } satisfies Failure;
    throw classify(e, deadline.signal.aborted, timeoutMs);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
  }
  if (signal?.aborted) throw { error: new LlmError("model call stopped by the caller", "network") } satisfies Failure;
  const toolCalls: LlmToolCall[] = calls.filter((c) => c && c.name).map((c, i) => ({ id: c.id || `call_${i}`, name: c.name, arguments: c.arguments || "{}" }));
  if (!content && toolCalls.length === 0 && !signal?.aborted) {
    throw { error: new LlmError(`model stream has neither content nor tool calls (finish_reason ${finishReason ?? "null"})`, "malformed") } satisfies Failure;
  }
  return { content: content || null, toolCalls, usage, model, finishReason };
}

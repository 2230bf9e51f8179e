// LlmProvider over the openai SDK's Chat Completions, for any OpenAI-compatible server (baseURL):
// OpenAI (default), Azure, Ollama (http://localhost:11434/v1), vLLM (http://host:8000/v1),
// OpenRouter (https://openrouter.ai/api/v1).
//
// The SDK's own retries are off: this module retries, bounded, on 429, 5xx, timeouts and connection
// failures, honouring Retry-After / retry-after-ms (a wait the server asks for that is longer than
// maxRetryDelayMs is not waited: the call fails as rate-limited at once, and the agent answers
// with a template rather than keep a homeowner waiting). Each attempt has its own deadline covering
// the whole response (headers and body). Every failure becomes an LlmError with a kind.
import { OpenAI } from "openai";
import { z } from "zod";
import { wallMs } from "../../lib/clock.ts";
import type { Metrics } from "../../metrics/create-metrics.ts";
import { LlmError, type LlmErrorKind, type LlmProvider, type LlmRequest, type LlmResult, type LlmToolCall } from "./llm-provider.ts";

export interface OpenAiProviderOptions {
  apiKey: string;
  /** any OpenAI-compatible endpoint, e.g. http://localhost:11434/v1; unset: OpenAI's own */
  baseURL?: string;
  /** per attempt, headers and body included */
  timeoutMs?: number;
  /** retries after the first attempt (so at most maxRetries + 1 requests) */
  maxRetries?: number;
  /** first backoff when the server names no wait; doubles each retry */
  retryBaseMs?: number;
  /** the longest wait between attempts; a longer Retry-After ends the call (rate-limited) */
  maxRetryDelayMs?: number;
  /**
   * how to send maxTokens: OpenAI's newer models accept only max_completion_tokens, while many
   * compatible servers know only max_tokens. Default: max_completion_tokens for OpenAI itself
   * (no baseURL), max_tokens for any other server.
   */
  maxTokensParam?: "max_tokens" | "max_completion_tokens";
  /** waits between attempts (tests inject one that records and returns at once) */
  sleep?: (ms: number) => Promise<void>;
  metrics?: Pick<Metrics, "llmCalls" | "llmLatency" | "llmTokens">;
}

const RETRYABLE: ReadonlySet<LlmErrorKind> = new Set(["timeout", "rate-limited", "server", "network"]);

// What we need from a response, checked (an OpenAI-compatible server may send anything).
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

/** How long the server asks us to wait, in ms (retry-after-ms, then Retry-After seconds or HTTP date). */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - wallMs());
}

interface Failure {
  error: LlmError;
  /** the wait the server asked for, if any */
  waitMs?: number;
}

function classify(e: unknown, timedOut: boolean, timeoutMs: number): Failure {
  if (e instanceof LlmError) return { error: e };
  if (e instanceof OpenAI.APIConnectionTimeoutError || (timedOut && !(e instanceof OpenAI.APIError && e.status !== undefined))) {
    return { error: new LlmError(`model call timed out after ${timeoutMs} ms`, "timeout") };
  }
  if (e instanceof OpenAI.APIError) {
    const status = e.status;
    const reason = e.message.split("\n")[0]!.slice(0, 300);
    if (status === undefined) return { error: new LlmError(`cannot reach the model: ${connectionCause(e)}`, "network") };
    const waitMs = retryAfterMs(e.headers);
    if (status === 429) return { error: new LlmError(`model rate-limited: ${reason}`, "rate-limited", status), waitMs };
    if (status === 408) return { error: new LlmError(`model timed out (HTTP 408): ${reason}`, "timeout", status), waitMs };
    if (status >= 500) return { error: new LlmError(`model server error: ${reason}`, "server", status), waitMs };
    return { error: new LlmError(`model refused the request: ${reason}`, "bad-request", status) };
  }
  // the body was not JSON (SyntaxError from response.json()) or some other surprise in the answer
  if (e instanceof SyntaxError) return { error: new LlmError(`model answered with invalid JSON: ${e.message.slice(0, 200)}`, "malformed") };
  return { error: new LlmError(`model call failed: ${(e as Error)?.message ?? String(e)}`, "network") };
}

function connectionCause(e: Error): string {
  const cause = (e as { cause?: { code?: string; cause?: { code?: string }; message?: string } }).cause;
  return cause?.code ?? cause?.cause?.code ?? cause?.message ?? e.message;
}

function parseCompletion(raw: unknown, requested: string): Omit<LlmResult, "latencyMs"> {
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

export function createOpenAiProvider(opts: OpenAiProviderOptions): LlmProvider {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const maxRetries = opts.maxRetries ?? 2;
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const maxRetryDelayMs = opts.maxRetryDelayMs ?? 10_000;
  const maxTokensParam = opts.maxTokensParam ?? (opts.baseURL ? "max_tokens" : "max_completion_tokens");
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const client = new OpenAI({
    apiKey: opts.apiKey,
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
    maxRetries: 0,
    timeout: timeoutMs,
  });

  async function attempt(req: LlmRequest): Promise<Omit<LlmResult, "latencyMs">> {
    const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
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
    // The SDK's timeout covers the headers only: this deadline covers the body too. It aborts the
    // request (freeing the socket) and, should a body stream ignore the abort, stops waiting anyway.
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        deadline.abort();
        reject(new LlmError(`model call timed out after ${timeoutMs} ms`, "timeout"));
      }, timeoutMs);
    });
    try {
      const signal = req.signal ? AbortSignal.any([deadline.signal, req.signal]) : deadline.signal;
      const call = client.chat.completions.create(body, { signal, timeout: timeoutMs, maxRetries: 0 });
      call.catch(() => undefined); // its rejection after the deadline is of no interest
      const raw: unknown = await Promise.race([call, expired]);
      return parseCompletion(raw, req.model);
    } catch (e) {
      throw classify(e, deadline.signal.aborted, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One streamed attempt. The deadline covers the whole stream; `signal` (the caller hung up or
   * interrupted) aborts it. Tool calls arrive as deltas keyed by index: name and arguments are
   * concatenated until the stream ends.
   */
  async function attemptStream(req: LlmRequest, onText: (delta: string) => void, signal: AbortSignal | undefined, emitted: { any: boolean }) {
    const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming = {
      model: req.model,
      messages: req.messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
      ...(req.maxTokens === undefined ? {} : { [maxTokensParam]: req.maxTokens }),
      ...(req.tools?.length
        ? {
            tools: req.tools.map((t) => ({ type: "function" as const, function: { name: t.name, description: t.description, parameters: t.parameters } })),
            tool_choice: "auto" as const,
          }
        : {}),
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
    const toolCalls: LlmToolCall[] = calls
      .filter((c) => c && c.name)
      .map((c, i) => ({ id: c.id || `call_${i}`, name: c.name, arguments: c.arguments || "{}" }));
    if (!content && toolCalls.length === 0 && !signal?.aborted) {
      throw { error: new LlmError(`model stream has neither content nor tool calls (finish_reason ${finishReason ?? "null"})`, "malformed") } satisfies Failure;
    }
    return { content: content || null, toolCalls, usage, model, finishReason };
  }

  return {
    name: "openai",
    async stream(req, onText, signal) {
      const started = wallMs();
      const emitted = { any: false };
      for (let retry = 0; ; retry++) {
        try {
          const r = await attemptStream(req, onText, signal, emitted);
          opts.metrics?.llmCalls.inc({ outcome: "ok" });
          opts.metrics?.llmLatency.observe((wallMs() - started) / 1000);
          opts.metrics?.llmTokens.inc({ kind: "prompt" }, r.usage.promptTokens);
          opts.metrics?.llmTokens.inc({ kind: "completion" }, r.usage.completionTokens);
          return { ...r, latencyMs: wallMs() - started };
        } catch (thrown) {
          const f = thrown as Failure;
          // a retry would repeat words already spoken: only a stream that said nothing is tried again
          const wait = f.waitMs ?? Math.min(retryBaseMs * 2 ** retry, maxRetryDelayMs);
          if (emitted.any || signal?.aborted || !RETRYABLE.has(f.error.kind) || retry >= maxRetries || wait > maxRetryDelayMs) {
            opts.metrics?.llmCalls.inc({ outcome: f.error.kind });
            throw f.error;
          }
          await sleep(wait);
        }
      }
    },
    async complete(req) {
      const started = wallMs();
      const finish = (outcome: string) => {
        opts.metrics?.llmCalls.inc({ outcome });
        opts.metrics?.llmLatency.observe((wallMs() - started) / 1000);
      };
      for (let retry = 0; ; retry++) {
        try {
          const r = await attempt(req);
          finish("ok");
          opts.metrics?.llmTokens.inc({ kind: "prompt" }, r.usage.promptTokens);
          opts.metrics?.llmTokens.inc({ kind: "completion" }, r.usage.completionTokens);
          return { ...r, latencyMs: wallMs() - started };
        } catch (thrown) {
          const f = thrown as Failure;
          const retryable = RETRYABLE.has(f.error.kind);
          const backoff = retryBaseMs * 2 ** retry;
          const wait = f.waitMs ?? Math.min(backoff, maxRetryDelayMs);
          if (!retryable || retry >= maxRetries || wait > maxRetryDelayMs || req.signal?.aborted) {
            finish(f.error.kind);
            if (retryable && retry > 0) f.error.message += ` (after ${retry + 1} attempts)`;
            else if (retryable && wait > maxRetryDelayMs) f.error.message += ` (asked to wait ${Math.ceil(wait / 1000)} s: not waiting)`;
            throw f.error;
          }
          await sleep(wait);
        }
      }
    },
  };
}

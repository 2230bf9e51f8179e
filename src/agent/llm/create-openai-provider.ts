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
import { wallMs } from "../../lib/clock.ts";
import type { Metrics } from "../../metrics/create-metrics.ts";
import { nodeHttpFetch } from "./node-http-fetch.ts";
import { LlmError, type LlmProvider, type LlmRequest, type LlmResult } from "./llm-provider.ts";
import { classify, RETRYABLE, type Failure } from "./openai-errors.ts";
import { parseCompletion } from "./parse-completion.ts";
import { requestParams } from "./request-params.ts";
import { streamAttempt } from "./stream-attempt.ts";

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
    fetch: nodeHttpFetch,
  });

  async function attempt(req: LlmRequest): Promise<Omit<LlmResult, "latencyMs">> {
    const body = requestParams(req, maxTokensParam);
    // The SDK's timeout covers the headers only: this deadline covers the body too. It aborts the
    // request (freeing the socket) and, should a body stream ignore the abort, stops waiting anyway.
    // The caller's signal is linked by hand and unlinked when the attempt ends: AbortSignal.any
    // would keep this attempt (the SDK's controller, the request) reachable from the caller's
    // signal as long as that lives (a turn's, 12 s), so every call's garbage outlived the young
    // generation and made each scavenge copy it.
    const deadline = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        deadline.abort();
        reject(new LlmError(`model call timed out after ${timeoutMs} ms`, "timeout"));
      }, timeoutMs);
    });
    const stop = () => deadline.abort(req.signal?.reason);
    if (req.signal?.aborted) stop();
    else req.signal?.addEventListener("abort", stop, { once: true });
    try {
      const call = client.chat.completions.create(body, { signal: deadline.signal, timeout: timeoutMs, maxRetries: 0 });
      call.catch(() => undefined); // its rejection after the deadline is of no interest
      const raw: unknown = await Promise.race([call, expired]);
      return parseCompletion(raw, req.model);
    } catch (e) {
      throw classify(e, timedOut, timeoutMs);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", stop);
    }
  }

  return {
    name: "openai",
    async stream(req, onText, signal) {
      const started = wallMs();
      const emitted = { any: false };
      for (let retry = 0; ; retry++) {
        try {
          const r = await streamAttempt(client, { timeoutMs, maxTokensParam }, req, onText, signal, emitted);
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

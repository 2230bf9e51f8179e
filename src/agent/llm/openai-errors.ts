// What an OpenAI-compatible server's failure means for us: an LlmError with a kind, and the wait the
// server asked for (retry-after-ms, Retry-After). Which kinds are worth another attempt.
import { OpenAI } from "openai";
import { wallMs } from "../../lib/clock.ts";
import { LlmError, type LlmErrorKind } from "./llm-provider.ts";

export const RETRYABLE: ReadonlySet<LlmErrorKind> = new Set(["timeout", "rate-limited", "server", "network"]);

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

export interface Failure {
  error: LlmError;
  /** the wait the server asked for, if any */
  waitMs?: number;
}

export function classify(e: unknown, timedOut: boolean, timeoutMs: number): Failure {
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

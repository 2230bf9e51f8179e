// The model seam: the agent talks to "a model" through this interface only. The one implementation,
// createOpenAiProvider, speaks OpenAI Chat Completions to any compatible server (OpenAI, Azure,
// Ollama, vLLM, OpenRouter); tests script it at the HTTP boundary (msw).
import type { OpenAI } from "openai";

export interface LlmToolCall {
  id: string;
  name: string;
  /** the JSON text the model produced: validate it before acting on it */
  arguments: string;
}

export type LlmMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface LlmTool {
  name: string;
  description: string;
  /** JSON schema of the arguments */
  parameters: Record<string, unknown>;
}

export interface LlmRequest {
  model: string;
  messages: LlmMessage[];
  tools?: LlmTool[];
  temperature?: number;
  maxTokens?: number;
  /** aborted when the caller stops waiting (the turn's deadline): the request is cancelled, no retry follows */
  signal?: AbortSignal;
}

export interface LlmResult {
  content: string | null;
  toolCalls: LlmToolCall[];
  usage: { promptTokens: number; completionTokens: number };
  /** wall time of the whole call, retries and their waits included */
  latencyMs: number;
  /** the model that answered (as the server names it) */
  model: string;
  finishReason: string | null;
}

export interface LlmProvider {
  /** "openai" (any OpenAI-compatible server), "scripted" (evals and the bench) */
  readonly name: string;
  complete(req: LlmRequest): Promise<LlmResult>;
  /**
   * The same call with `stream: true`: each piece of the reply's text goes to onText as it arrives
   * (tool calls are assembled and returned whole). `signal` stops it (the caller interrupted).
   * Optional: a provider without it is called with `complete` and its reply given in one piece.
   */
  stream?(req: LlmRequest, onText: (delta: string) => void, signal?: AbortSignal): Promise<LlmResult>;
}

export type LlmErrorKind = "timeout" | "rate-limited" | "server" | "bad-request" | "malformed" | "network";

/** Why a model call failed, after the provider's own retries. Any kind ⇒ the caller falls back to template mode. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly kind: LlmErrorKind,
    /** the HTTP status, when the server answered */
    readonly status?: number,
  ) {
    super(message);
    this.name = "LlmError";
  }
}

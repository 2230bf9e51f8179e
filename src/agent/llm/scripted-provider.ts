// A scripted model in-process: each call takes the next step and answers as createOpenAiProvider
// would (a reply, tool calls, or the LlmError its failure turns into). No HTTP: `agent replay` runs
// the eval corpus on it without a key, and the bench measures the agent's own overhead with it.
// Steps have the shapes of test/fakes/scripted-model.ts (which scripts the HTTP boundary instead).
import { LlmError, type LlmProvider, type LlmRequest, type LlmResult } from "./llm-provider.ts";

export type ScriptStep =
  | { content: string }
  | { tools: { name: string; arguments: Record<string, unknown> | string }[]; content?: string | undefined }
  /** the server answered this HTTP status (429 rate-limited, 5xx server error, other 4xx bad request) */
  | { status: number }
  /** no answer: the call times out */
  | "hang"
  /** an answer that is not a chat completion */
  | "garbage";

/** a step, or one decided when the call comes (e.g. booking the slot the last tool result offered) */
export type ScriptEntry = ScriptStep | ((req: LlmRequest) => ScriptStep | Promise<ScriptStep>);

export interface ScriptedProviderOptions {
  steps?: ScriptEntry[];
  /** the answer once the script is used up (default: an LlmError, so a short script shows as template mode) */
  whenEmpty?: ScriptEntry;
  /** how long "hang" waits before it times out (default 0: a replay need not wait for real) */
  hangMs?: number;
  /** added to every call, for a model that takes time */
  latencyMs?: number;
  /** the model name results carry (default: the requested one) */
  model?: string;
}

export class ScriptedProvider implements LlmProvider {
  /** LlmProvider names the one wire format; this fake answers in it */
  readonly name = "scripted";
  /** every request, in order (for assertions and prompt-size figures) */
  readonly requests: LlmRequest[] = [];
  /** calls that found the script used up (and no `whenEmpty`) */
  overruns = 0;
  private readonly steps: ScriptEntry[];
  private calls = 0;

  constructor(private readonly opts: ScriptedProviderOptions = {}) {
    this.steps = [...(opts.steps ?? [])];
  }

  /** queue steps for the next calls */
  say(...steps: ScriptEntry[]): this {
    this.steps.push(...steps);
    return this;
  }

  /** steps not used yet */
  get remaining(): number {
    return this.steps.length;
  }

  /** drops the steps not used yet (and the recorded requests and overruns) */
  reset(): void {
    this.steps.length = 0;
    this.requests.length = 0;
    this.overruns = 0;
  }

  /** complete(), its reply then given word by word (a streamed answer of the same step) */
  async stream(req: LlmRequest, onText: (delta: string) => void, signal?: AbortSignal): Promise<LlmResult> {
    const r = await this.complete(req);
    for (const piece of (r.content ?? "").match(/\S+\s*|\s+/g) ?? []) {
      if (signal?.aborted) break;
      onText(piece);
    }
    return r;
  }

  async complete(req: LlmRequest): Promise<LlmResult> {
    this.requests.push(req);
    const id = ++this.calls;
    if (this.opts.latencyMs) await sleep(this.opts.latencyMs);
    const entry = this.steps.shift() ?? this.opts.whenEmpty;
    if (entry === undefined) {
      this.overruns++;
      throw new LlmError("the scripted model has no step left for this call", "malformed");
    }
    const step = typeof entry === "function" ? await entry(req) : entry;
    if (step === "hang") {
      if (this.opts.hangMs) await sleep(this.opts.hangMs);
      throw new LlmError(`model call timed out after ${this.opts.hangMs ?? 0} ms (scripted)`, "timeout");
    }
    if (step === "garbage") throw new LlmError("model answered with text, not a chat completion (scripted)", "malformed");
    if ("status" in step) {
      const s = step.status;
      if (s === 429) throw new LlmError("model rate-limited (scripted)", "rate-limited", s);
      if (s === 408) throw new LlmError("model timed out (HTTP 408, scripted)", "timeout", s);
      if (s >= 500) throw new LlmError(`model server error (HTTP ${s}, scripted)`, "server", s);
      throw new LlmError(`model refused the request (HTTP ${s}, scripted)`, "bad-request", s);
    }
    const toolCalls =
      "tools" in step
        ? step.tools.map((t, i) => ({
            id: `call_${id}_${i}`,
            name: t.name,
            arguments: typeof t.arguments === "string" ? t.arguments : JSON.stringify(t.arguments),
          }))
        : [];
    const content = step.content ?? null;
    return {
      content,
      toolCalls,
      usage: { promptTokens: estimateTokens(req), completionTokens: Math.ceil(((content?.length ?? 0) + JSON.stringify(toolCalls).length) / 4) },
      latencyMs: this.opts.latencyMs ?? 0,
      model: this.opts.model ?? req.model,
      finishReason: toolCalls.length ? "tool_calls" : "stop",
    };
  }
}

/** about four characters a token, over everything sent (messages and tool schemas) */
export function estimateTokens(req: LlmRequest): number {
  return Math.ceil((JSON.stringify(req.messages).length + JSON.stringify(req.tools ?? []).length) / 4);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

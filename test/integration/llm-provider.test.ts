// Issue 9 item 1: the model seam against a scripted OpenAI-compatible server at the HTTP boundary.
import { getEventListeners } from "node:events";
import { delay, http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createOpenAiProvider, type OpenAiProviderOptions } from "../../src/agent/llm/create-openai-provider.ts";
import { retryAfterMs } from "../../src/agent/llm/openai-errors.ts";
import { LlmError, type LlmRequest } from "../../src/agent/llm/llm-provider.ts";
import { createMetrics } from "../../src/metrics/create-metrics.ts";
import { useMsw } from "../helpers/use-msw.ts";

const OPENAI = "https://api.openai.com/v1/chat/completions";
const OTHER = "https://llm.example.test/v1/chat/completions";

/** what OpenAI really sends back for a turn that calls a tool */
function completion(over: { content?: string | null; toolCalls?: { id: string; name: string; arguments: string }[]; model?: string } = {}) {
  const toolCalls = over.toolCalls ?? [];
  return {
    id: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
    object: "chat.completion",
    created: 1741569952,
    model: over.model ?? "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: over.content === undefined ? null : over.content,
          ...(toolCalls.length
            ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) }
            : {}),
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: toolCalls.length ? "tool_calls" : "stop",
      },
    ],
    usage: {
      prompt_tokens: 812,
      completion_tokens: 23,
      total_tokens: 835,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: "default",
    system_fingerprint: "fp_06737a9306",
  };
}

const REQUEST: LlmRequest = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "You are the virtual assistant of Acme Plumbing." },
    { role: "user", content: "Is 10001 in your area?" },
  ],
  tools: [
    {
      name: "check_service_area",
      description: "Whether a ZIP code is served",
      parameters: { type: "object", properties: { zip: { type: "string" } }, required: ["zip"], additionalProperties: false },
    },
  ],
  temperature: 0.3,
  maxTokens: 200,
};

const server = useMsw();

/** a provider whose waits are recorded, never slept */
function provider(over: Partial<OpenAiProviderOptions> = {}) {
  const waits: number[] = [];
  const metrics = createMetrics();
  const p = createOpenAiProvider({
    apiKey: "sk-test",
    timeoutMs: 300,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    metrics,
    ...over,
  });
  return { p, waits, metrics };
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  const e: unknown = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LlmError);
  return e as LlmError;
}

describe("createOpenAiProvider", () => {
  it("sends function tools with tool_choice auto and returns the tool call, usage and latency", async () => {
    const seen: { body: Record<string, unknown>; auth: string | null }[] = [];
    server.use(
      http.post(OPENAI, async ({ request }) => {
        seen.push({ body: (await request.json()) as Record<string, unknown>, auth: request.headers.get("authorization") });
        return HttpResponse.json(completion({ toolCalls: [{ id: "call_Xk2", name: "check_service_area", arguments: '{"zip":"10001"}' }] }));
      }),
    );
    const { p, metrics } = provider();
    const r = await p.complete(REQUEST);
    expect(r).toMatchObject({
      content: null,
      toolCalls: [{ id: "call_Xk2", name: "check_service_area", arguments: '{"zip":"10001"}' }],
      usage: { promptTokens: 812, completionTokens: 23 },
      model: "gpt-4o-mini-2024-07-18",
      finishReason: "tool_calls",
    });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.auth).toBe("Bearer sk-test");
    expect(seen[0]!.body).toMatchObject({
      model: "gpt-4o-mini",
      temperature: 0.3,
      max_completion_tokens: 200,
      tool_choice: "auto",
      tools: [{ type: "function", function: { name: "check_service_area", parameters: { required: ["zip"] } } }],
    });
    expect(seen[0]!.body.stream).toBeUndefined();
    const text = await metrics.registry.metrics();
    expect(text).toContain('leadline_llm_calls_total{outcome="ok"} 1');
    expect(text).toContain('leadline_llm_tokens_total{kind="prompt"} 812');
    expect(text).toContain('leadline_llm_tokens_total{kind="completion"} 23');
    expect(text).toContain("leadline_llm_latency_seconds_count 1");
  });

  it("returns plain content when the model just answers", async () => {
    server.use(http.post(OPENAI, () => HttpResponse.json(completion({ content: "Yes, we serve 10001. What do you need help with?" }))));
    const r = await provider().p.complete(REQUEST);
    expect(r).toMatchObject({ content: "Yes, we serve 10001. What do you need help with?", toolCalls: [], finishReason: "stop" });
  });

  it("waits as long as Retry-After says after a 429, then succeeds", async () => {
    let calls = 0;
    server.use(
      http.post(OPENAI, () =>
        ++calls === 1
          ? HttpResponse.json(
              { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } },
              { status: 429, headers: { "retry-after": "1" } },
            )
          : HttpResponse.json(completion({ content: "Hi!" })),
      ),
    );
    const { p, waits, metrics } = provider();
    const r = await p.complete(REQUEST);
    expect(r.content).toBe("Hi!");
    expect(calls).toBe(2);
    expect(waits).toEqual([1000]);
    expect(await metrics.registry.metrics()).toContain('leadline_llm_calls_total{outcome="ok"} 1');
  });

  it("prefers retry-after-ms to Retry-After", async () => {
    let calls = 0;
    server.use(
      http.post(OPENAI, () =>
        ++calls === 1
          ? HttpResponse.json({ error: { message: "slow down" } }, { status: 429, headers: { "retry-after-ms": "250", "retry-after": "1" } })
          : HttpResponse.json(completion({ content: "Hi!" })),
      ),
    );
    const { p, waits } = provider();
    await p.complete(REQUEST);
    expect(waits).toEqual([250]);
  });

  it("does not wait longer than its cap: a long Retry-After fails at once as rate-limited", async () => {
    let calls = 0;
    server.use(
      http.post(OPENAI, () => {
        calls++;
        return HttpResponse.json({ error: { message: "quota" } }, { status: 429, headers: { "retry-after": "60" } });
      }),
    );
    const { p, waits } = provider({ maxRetryDelayMs: 10_000 });
    const e = await failure(p.complete(REQUEST));
    expect(e).toMatchObject({ kind: "rate-limited", status: 429 });
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("gives up on 500 ×3 after bounded retries with backoff: LlmError server", async () => {
    let calls = 0;
    server.use(
      http.post(OPENAI, () => {
        calls++;
        return HttpResponse.json({ error: { message: "The server had an error while processing your request." } }, { status: 500 });
      }),
    );
    const { p, waits, metrics } = provider({ maxRetries: 2, retryBaseMs: 100 });
    const e = await failure(p.complete(REQUEST));
    expect(e).toMatchObject({ kind: "server", status: 500 });
    expect(e.message).toContain("after 3 attempts");
    expect(calls).toBe(3);
    expect(waits).toEqual([100, 200]);
    expect(await metrics.registry.metrics()).toContain('leadline_llm_calls_total{outcome="server"} 1');
  });

  it("times out a server that never answers, retrying the timeout within its bound", async () => {
    let calls = 0;
    server.use(
      http.post(OPENAI, async () => {
        calls++;
        await delay("infinite");
        return HttpResponse.json(completion());
      }),
    );
    const { p, waits } = provider({ timeoutMs: 200, maxRetries: 1 });
    const started = performance.now();
    const e = await failure(p.complete(REQUEST));
    expect(e.kind).toBe("timeout");
    expect(calls).toBe(2);
    expect(waits).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("the caller's signal stops a call mid-request; a call that ended leaves nothing listening on the caller's signal", async () => {
    server.use(
      http.post(OPENAI, async () => {
        await delay("infinite");
        return HttpResponse.json(completion({ content: "late" }));
      }),
    );
    const caller = new AbortController();
    const started = performance.now();
    const call = failure(provider({ timeoutMs: 10_000, maxRetries: 0 }).p.complete({ ...REQUEST, signal: caller.signal }));
    setTimeout(() => caller.abort(), 50);
    const e = await call;
    expect(e.kind).not.toBe("timeout");
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);

    // the turn's signal outlives its calls: each call unhooks itself when it ends
    server.use(http.post(OPENAI, () => HttpResponse.json(completion({ content: "Yes, we serve 10001." }))));
    const turn = new AbortController();
    const { p } = provider();
    for (let k = 0; k < 3; k++) expect((await p.complete({ ...REQUEST, signal: turn.signal })).content).toBe("Yes, we serve 10001.");
    expect(getEventListeners(turn.signal, "abort")).toHaveLength(0);
  });

  it("times out a body that stops half-way (the deadline covers the body, not only the headers)", async () => {
    server.use(
      http.post(OPENAI, () => {
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(new TextEncoder().encode('{"id":"chatcmpl-1","choices":['));
            // …and nothing more
          },
        });
        return new HttpResponse(stream, { headers: { "content-type": "application/json" } });
      }),
    );
    const e = await failure(provider({ timeoutMs: 200, maxRetries: 0 }).p.complete(REQUEST));
    expect(e.kind).toBe("timeout");
  });

  it("calls garbage JSON malformed and does not retry it", async () => {
    let calls = 0;
    server.use(
      http.post(OPENAI, () => {
        calls++;
        return new HttpResponse('{"id": "chatcmpl-1", "choices": [ {oops', { headers: { "content-type": "application/json" } });
      }),
    );
    const { p, metrics } = provider();
    const e = await failure(p.complete(REQUEST));
    expect(e.kind).toBe("malformed");
    expect(calls).toBe(1);
    expect(await metrics.registry.metrics()).toContain('leadline_llm_calls_total{outcome="malformed"} 1');
  });

  it.each([
    ["no choices", { ...completion(), choices: [] }],
    ["a choice without a message", { ...completion(), choices: [{ index: 0, finish_reason: "stop" }] }],
    [
      "a tool call without a name",
      {
        ...completion(),
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            message: { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { arguments: "{}" } }] },
          },
        ],
      },
    ],
    ["neither content nor tool calls", completion({ content: null })],
    ["a JSON string", "hello"],
  ])("calls a completion with %s malformed", async (_name, body) => {
    server.use(http.post(OPENAI, () => HttpResponse.json(body)));
    const e = await failure(provider().p.complete(REQUEST));
    expect(e.kind).toBe("malformed");
  });

  it("calls plain text (an HTML error page with 200) malformed", async () => {
    server.use(http.post(OPENAI, () => new HttpResponse("<html>Bad gateway</html>", { headers: { "content-type": "text/html" } })));
    const e = await failure(provider().p.complete(REQUEST));
    expect(e.kind).toBe("malformed");
  });

  it("maps a 400 to bad-request without retrying", async () => {
    let calls = 0;
    server.use(
      http.post(OPENAI, () => {
        calls++;
        return HttpResponse.json({ error: { message: "Invalid schema for function 'check_service_area'", type: "invalid_request_error" } }, { status: 400 });
      }),
    );
    const e = await failure(provider().p.complete(REQUEST));
    expect(e).toMatchObject({ kind: "bad-request", status: 400 });
    expect(e.message).toContain("Invalid schema");
    expect(calls).toBe(1);
  });

  it("maps a connection failure to network", async () => {
    server.use(http.post(OPENAI, () => HttpResponse.error()));
    const { p, waits } = provider({ maxRetries: 1 });
    const e = await failure(p.complete(REQUEST));
    expect(e.kind).toBe("network");
    expect(waits).toHaveLength(1);
  });

  it("talks to any OpenAI-compatible server at baseURL (Ollama, vLLM, OpenRouter) and sends max_tokens there", async () => {
    const bodies: Record<string, unknown>[] = [];
    server.use(
      http.post(OPENAI, () => HttpResponse.json({ error: { message: "wrong host" } }, { status: 401 })),
      http.post(OTHER, async ({ request }) => {
        bodies.push((await request.json()) as Record<string, unknown>);
        return HttpResponse.json(completion({ content: "Hello from elsewhere", model: "llama3.1:8b" }));
      }),
    );
    const r = await provider({ baseURL: "https://llm.example.test/v1" }).p.complete({ ...REQUEST, model: "llama3.1:8b" });
    expect(r).toMatchObject({ content: "Hello from elsewhere", model: "llama3.1:8b" });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ model: "llama3.1:8b", max_tokens: 200 });
    expect(bodies[0]!.max_completion_tokens).toBeUndefined();
  });

  it("accepts what lenient servers send: no usage, arguments as an object, no finish_reason", async () => {
    server.use(
      http.post(OTHER, () =>
        HttpResponse.json({
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: "",
                tool_calls: [{ id: "call_1", function: { name: "find_slots", arguments: { service: "drain-cleaning" } } }],
              },
            },
          ],
        }),
      ),
    );
    const r = await provider({ baseURL: "https://llm.example.test/v1" }).p.complete(REQUEST);
    expect(r).toMatchObject({
      toolCalls: [{ id: "call_1", name: "find_slots", arguments: '{"service":"drain-cleaning"}' }],
      usage: { promptTokens: 0, completionTokens: 0 },
      model: "gpt-4o-mini",
      finishReason: null,
    });
  });
});

describe("retryAfterMs", () => {
  it.each([
    [{ "retry-after": "2" }, 2000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after-ms": "1500" }, 1500],
    [{ "retry-after-ms": "x", "retry-after": "3" }, 3000],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ])("%j ⇒ %s", (headers: Record<string, string>, expected) => {
    expect(retryAfterMs(new Headers(headers))).toBe(expected);
  });

  it("reads an HTTP date", () => {
    const ms = retryAfterMs(new Headers({ "retry-after": new Date(Date.now() + 5_000).toUTCString() }))!;
    expect(ms).toBeGreaterThan(3_000);
    expect(ms).toBeLessThanOrEqual(5_000);
  });
});

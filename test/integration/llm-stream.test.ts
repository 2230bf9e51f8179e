// LlmProvider.stream against a scripted OpenAI-compatible server (msw, real SSE bodies): text
// pieces in order, tool-call deltas assembled, usage, a retry only while nothing was said, and the
// caller's abort.
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createOpenAiProvider } from "../../src/agent/llm/create-openai-provider.ts";
import { LlmError, type LlmRequest } from "../../src/agent/llm/llm-provider.ts";
import { useMsw } from "../helpers/use-msw.ts";

const URL = "https://llm-stream.example.test/v1/chat/completions";
const base = { id: "chatcmpl-s", object: "chat.completion.chunk", created: 1741569952, model: "gpt-4o-mini-2024-07-18" };
const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
const sse = (events: unknown[], tail = "data: [DONE]\n\n") => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + tail;

let answers: (() => Response)[] = [];
const bodies: { stream?: boolean; stream_options?: unknown }[] = [];
useMsw(
  http.post(URL, async ({ request }) => {
    bodies.push((await request.json()) as { stream?: boolean });
    const next = answers.shift();
    return next ? next() : HttpResponse.json({ error: { message: "no answer" } }, { status: 500 });
  }),
);
const llm = () => createOpenAiProvider({ apiKey: "sk-test", baseURL: "https://llm-stream.example.test/v1", timeoutMs: 1000, maxRetries: 1, retryBaseMs: 1 });
const req: LlmRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "hi" }],
  tools: [{ name: "find_slots", description: "d", parameters: { type: "object" } }],
};
const streamOf = (text: string) => () => new HttpResponse(text, { headers: { "content-type": "text/event-stream" } });

describe("LlmProvider.stream", () => {
  it("gives the text piece by piece, assembles tool-call deltas, and reports usage; the request says stream: true", async () => {
    bodies.length = 0;
    answers = [
      streamOf(
        sse([
          chunk({ role: "assistant", content: "" }),
          chunk({ content: "Let me " }),
          chunk({ content: "check." }),
          chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "find_", arguments: "" } }] }),
          chunk({ tool_calls: [{ index: 0, function: { name: "slots", arguments: '{"serv' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: 'ice":"drain"}' } }] }),
          chunk({}, "tool_calls"),
          { ...base, choices: [], usage: { prompt_tokens: 120, completion_tokens: 9 } },
        ]),
      ),
    ];
    const pieces: string[] = [];
    const r = await llm().stream!(req, (d) => pieces.push(d));
    expect(pieces).toEqual(["Let me ", "check."]);
    expect(r.content).toBe("Let me check.");
    expect(r.toolCalls).toEqual([{ id: "call_1", name: "find_slots", arguments: '{"service":"drain"}' }]);
    expect(r.usage).toEqual({ promptTokens: 120, completionTokens: 9 });
    expect(r.finishReason).toBe("tool_calls");
    expect(bodies[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("a server error before any text is retried", async () => {
    answers = [() => HttpResponse.json({ error: { message: "overloaded" } }, { status: 503 }), streamOf(sse([chunk({ content: "Hello." }, "stop")]))];
    const pieces: string[] = [];
    const r = await llm().stream!(req, (d) => pieces.push(d));
    expect(pieces).toEqual(["Hello."]);
    expect(r.content).toBe("Hello.");
  });

  it("a stream broken after some text (bad data, then nothing) ends at the deadline and is not retried (the words were said)", async () => {
    answers = [streamOf(sse([chunk({ content: "Hello " })], "data: {not json\n\n")), streamOf(sse([chunk({ content: "again" }, "stop")]))];
    const pieces: string[] = [];
    const err = await llm().stream!(req, (d) => pieces.push(d)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(pieces).toEqual(["Hello "]);
    expect(answers).toHaveLength(1);
    answers = [];
  });

  it("the caller's abort stops it", async () => {
    answers = [streamOf(sse([chunk({ content: "One. " }), chunk({ content: "Two." }, "stop")]))];
    const stop = new AbortController();
    const pieces: string[] = [];
    const r = await llm().stream!(
      req,
      (d) => {
        pieces.push(d);
        stop.abort();
      },
      stop.signal,
    ).catch((e: unknown) => e);
    expect(pieces).toEqual(["One. "]);
    expect(r).toBeInstanceOf(LlmError);
  });
});

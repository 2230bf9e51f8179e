// A scripted OpenAI-compatible model at the HTTP boundary (msw): each call takes the next step of
// the script and answers with Chat Completions' own JSON — or, asked with `stream: true`, its
// server-sent chunks (the text a word at a time, each tool call's arguments in two pieces, usage
// last). Requests are kept for assertions.
import { http, HttpResponse, delay } from "msw";

export type ModelStep =
  | { content: string }
  | { tools: { name: string; arguments: Record<string, unknown> | string }[]; content?: string }
  | { status: number }
  | "hang"
  | "garbage"
  /** answers with `step` after `ms` (a slow model) */
  | { after: number; step: ModelStep }
  | ((req: ModelRequest) => ModelStep);

export interface ModelRequest {
  model: string;
  stream?: boolean;
  messages: { role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }[];
  tools?: { type: string; function: { name: string; description: string; parameters: unknown } }[];
}

export const MODEL_BASE = "https://api.openai.com/v1";

export function createScriptedModel(base = MODEL_BASE) {
  const script: ModelStep[] = [];
  const requests: ModelRequest[] = [];
  let n = 0;
  const handler = http.post(`${base}/chat/completions`, async ({ request }) => {
    const body = (await request.json()) as ModelRequest;
    requests.push(body);
    let next = script.shift() ?? { content: "Thanks! How can we help?" };
    while (typeof next === "function" || (typeof next === "object" && "after" in next)) {
      if (typeof next === "function") next = next(body);
      else {
        await delay(next.after);
        next = next.step;
      }
    }
    if (next === "hang") return delay("infinite").then(() => HttpResponse.json({}));
    if (next === "garbage") return new HttpResponse("<html>bad gateway</html>", { status: 200, headers: { "content-type": "application/json" } });
    const step = next;
    if ("status" in step) return HttpResponse.json({ error: { message: "upstream trouble", type: "server_error", code: null } }, { status: step.status });
    const toolCalls =
      "tools" in step
        ? step.tools.map((t, i) => ({
            id: `call_${++n}_${i}`,
            type: "function",
            function: { name: t.name, arguments: typeof t.arguments === "string" ? t.arguments : JSON.stringify(t.arguments) },
          }))
        : undefined;
    if (body.stream) return streamed(body.model, "content" in step ? (step.content ?? null) : null, toolCalls ?? []);
    return HttpResponse.json({
      id: `chatcmpl-${++n}`,
      object: "chat.completion",
      created: 1764000000,
      model: body.model,
      system_fingerprint: "fp_test",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "content" in step ? (step.content ?? null) : null,
            refusal: null,
            ...(toolCalls ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: toolCalls ? "tool_calls" : "stop",
        },
      ],
      usage: { prompt_tokens: 900, completion_tokens: 40, total_tokens: 940 },
    });
  });
  return {
    handler,
    requests,
    /** queue steps for the next calls */
    say(...steps: ModelStep[]) {
      script.push(...steps);
    },
    reset() {
      script.length = 0;
      requests.length = 0;
    },
    /** the tool results the app sent back in the latest request */
    lastToolResults(): unknown[] {
      const last = requests.at(-1);
      return (last?.messages ?? []).filter((m) => m.role === "tool").map((m) => JSON.parse(m.content ?? "null"));
    },
  };
}

/** Chat Completions' streaming answer (SSE chunks, then [DONE]) for one step. */
function streamed(model: string, content: string | null, toolCalls: { id: string; function: { name: string; arguments: string } }[]): HttpResponse<string> {
  const base = { id: "chatcmpl-stream", object: "chat.completion.chunk", created: 1764000000, model, system_fingerprint: "fp_test" };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const events: unknown[] = [chunk({ role: "assistant", content: "" })];
  for (const piece of content?.match(/\S+\s*|\s+/g) ?? []) events.push(chunk({ content: piece }));
  toolCalls.forEach((c, index) => {
    const half = Math.ceil(c.function.arguments.length / 2);
    events.push(chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.function.name, arguments: "" } }] }));
    events.push(chunk({ tool_calls: [{ index, function: { arguments: c.function.arguments.slice(0, half) } }] }));
    events.push(chunk({ tool_calls: [{ index, function: { arguments: c.function.arguments.slice(half) } }] }));
  });
  events.push(chunk({}, toolCalls.length ? "tool_calls" : "stop"));
  events.push({ ...base, choices: [], usage: { prompt_tokens: 900, completion_tokens: 40, total_tokens: 940 } });
  const text = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";
  return new HttpResponse(text, { headers: { "content-type": "text/event-stream" } });
}

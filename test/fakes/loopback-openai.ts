// An OpenAI-compatible Chat Completions server on a real loopback port, for processes msw cannot
// reach (the bench's child server). POST /v1/chat/completions answers Chat Completions JSON at
// once, or after a configurable delay. Every request is kept with when it arrived and when it was
// answered (the model's own time), and its prompt size (characters of the messages; tokens ≈ /4).
// Asked with `stream: true`, it answers with server-sent chunks: the headers at once, the reply's
// first sentence complete `firstSentenceMs` after the request, each later one `sentenceGapMs` after
// the one before (when each sentence was written is kept, for the voice bench).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatMessage {
  role: string;
  content: string | null | { type: string; text?: string }[];
  tool_call_id?: string;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
}

export interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: ChatMessage[];
  tools?: unknown[];
}

export interface ModelAnswer {
  content?: string | null;
  tools?: { name: string; arguments: Record<string, unknown> | string }[];
}

export interface ModelCall {
  body: ChatRequest;
  /** wall-clock ms (Date.now() with sub-ms precision) when the request body had arrived */
  receivedAt: number;
  /** when the answer was written; undefined while in flight */
  answeredAt?: number;
  /** characters of every message's text (content, tool call names and arguments) */
  messageChars: number;
  /** characters of the first message when it is a system message (the stable, cacheable part) */
  systemChars: number;
  /** characters of the tools' JSON (also part of the real prompt) */
  toolsChars: number;
  /** streamed answers: when each sentence's last piece was written */
  sentencesAt?: number[];
}

export interface LoopbackOpenAi {
  /** base URL for OPENAI_BASE_URL (ends in /v1) */
  url: string;
  calls: ModelCall[];
  /** every answer waits this long first (0: at once) */
  setDelay(ms: number): void;
  /** the answer to give (default: a short plain reply) */
  setAnswer(fn: (req: ChatRequest) => ModelAnswer): void;
  /** how a streamed answer is paced (default: the whole reply at once) */
  setStreaming(pace: { firstSentenceMs: number; sentenceGapMs: number }): void;
  /** requests received and not answered yet */
  inFlight(): number;
  close(): Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

function textOf(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? "").join("");
  return "";
}

export function messageChars(messages: ChatMessage[]): number {
  let n = 0;
  for (const m of messages) {
    n += textOf(m.content).length;
    for (const c of m.tool_calls ?? []) n += c.function.name.length + c.function.arguments.length;
  }
  return n;
}

export async function startLoopbackOpenAi(): Promise<LoopbackOpenAi> {
  const calls: ModelCall[] = [];
  let delayMs = 0;
  let pace = { firstSentenceMs: 0, sentenceGapMs: 0 };
  let answer: (req: ChatRequest) => ModelAnswer = () => ({ content: "Thanks! How can we help?" });
  let seq = 0;
  const pending = new Set<NodeJS.Timeout>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || !/^\/v1\/chat\/completions\/?(\?.*)?$/.test(req.url ?? "")) {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error", code: null } }));
        return;
      }
      const receivedAt = now();
      let body: ChatRequest;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString()) as ChatRequest;
      } catch {
        res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: "invalid JSON", type: "invalid_request_error", code: null } }));
        return;
      }
      const messages = body.messages ?? [];
      const call: ModelCall = {
        body,
        receivedAt,
        messageChars: messageChars(messages),
        systemChars: messages[0]?.role === "system" ? textOf(messages[0].content).length : 0,
        toolsChars: body.tools ? JSON.stringify(body.tools).length : 0,
      };
      calls.push(call);
      if (body.stream) {
        stream(body, call, res);
        return;
      }
      const respond = () => {
        const a = answer(body);
        const n = ++seq;
        const toolCalls = a.tools?.map((t, i) => ({
          id: `call_${n}_${i}`,
          type: "function",
          function: { name: t.name, arguments: typeof t.arguments === "string" ? t.arguments : JSON.stringify(t.arguments) },
        }));
        const promptTokens = Math.ceil((call.messageChars + call.toolsChars) / 4);
        const completionTokens = Math.ceil((a.content ?? "").length / 4) + 1;
        const json = JSON.stringify({
          id: `chatcmpl-bench${n}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          system_fingerprint: "fp_bench",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: a.content ?? null, refusal: null, ...(toolCalls?.length ? { tool_calls: toolCalls } : {}) },
              logprobs: null,
              finish_reason: toolCalls?.length ? "tool_calls" : "stop",
            },
          ],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        });
        call.answeredAt = now();
        res.writeHead(200, { "content-type": "application/json" }).end(json);
      };
      if (delayMs <= 0) respond();
      else {
        const t = setTimeout(() => {
          pending.delete(t);
          respond();
        }, delayMs);
        pending.add(t);
      }
    });
  });
  /** Chat Completions' SSE: the reply a sentence at a time, paced; then usage and [DONE] */
  function stream(body: ChatRequest, call: ModelCall, res: ServerResponse) {
    const a = answer(body);
    const n = ++seq;
    const base = { id: `chatcmpl-stream${n}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: body.model };
    const write = (delta: Record<string, unknown>, finish: string | null = null) =>
      res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    write({ role: "assistant", content: "" });
    const sentences = (a.content ?? "").match(/[^.!?]+[.!?]+\s*|[^.!?]+$/g) ?? [];
    call.sentencesAt = [];
    let i = 0;
    const next = () => {
      const s = sentences[i++];
      if (s !== undefined) {
        for (const word of s.match(/\S+\s*/g) ?? []) write({ content: word });
        call.sentencesAt!.push(now());
        const t = setTimeout(() => {
          pending.delete(t);
          next();
        }, pace.sentenceGapMs);
        pending.add(t);
        return;
      }
      write({}, "stop");
      const promptTokens = Math.ceil((call.messageChars + call.toolsChars) / 4);
      const completionTokens = Math.ceil((a.content ?? "").length / 4) + 1;
      res.write(
        `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
      call.answeredAt = now();
    };
    const t = setTimeout(() => {
      pending.delete(t);
      next();
    }, pace.firstSentenceMs);
    pending.add(t);
  }

  server.keepAliveTimeout = 5000;
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls,
    setDelay(ms) {
      delayMs = ms;
    },
    setAnswer(fn) {
      answer = fn;
    },
    setStreaming(p) {
      pace = p;
    },
    inFlight: () => calls.filter((c) => c.answeredAt === undefined).length,
    close: () =>
      new Promise<void>((ok) => {
        for (const t of pending) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

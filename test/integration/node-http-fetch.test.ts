// The model client's fetch against a real loopback server: what the openai SDK relies on.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHttpFetch } from "../../src/agent/llm/node-http-fetch.ts";

let server: Server;
let base = "";
const seen: { method: string; headers: Record<string, unknown>; body: string }[] = [];
/** released by the streaming test once it has read the first chunk */
let releaseSecond: () => void = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === "/json") {
        res.writeHead(429, { "content-type": "application/json", "retry-after-ms": "250", "set-cookie": ["a=1", "b=2"] });
        res.end(JSON.stringify({ error: { message: "slow down" } }));
      } else if (req.url === "/stream") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: first\n\n");
        void new Promise<void>((ok) => (releaseSecond = ok)).then(() => res.end("data: second\n\n"));
      } else if (req.url === "/huge") {
        res.writeHead(200, { "content-type": "application/json" });
        const mb = Buffer.alloc(1024 * 1024, "x");
        const more = (n: number): void => void (n > 0 && res.write(mb, () => more(n - 1)));
        more(6);
      } else if (req.url === "/odd-status") {
        // a status fetch's Response cannot hold, written raw (node's server refuses it too)
        req.socket.end("HTTP/1.1 999 Odd\r\ncontent-length: 0\r\n\r\n");
      } else if (req.url === "/hang") {
        // never answers
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))));

describe("nodeHttpFetch", () => {
  it("sends the method, headers and body, and answers with the status, every header and the body", async () => {
    const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "héllo" }] });
    const res = await nodeHttpFetch(`${base}/json`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer k" }, body });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after-ms")).toBe("250");
    expect(res.headers.get("set-cookie")).toBe("a=1, b=2");
    expect(await res.json()).toEqual({ error: { message: "slow down" } });
    const got = seen.at(-1)!;
    expect(got).toMatchObject({ method: "POST", body });
    expect(got.headers).toMatchObject({ authorization: "Bearer k", "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
  });

  it("streams: the first piece is readable before the server has finished", async () => {
    const res = await nodeHttpFetch(`${base}/stream`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: first\n\n");
    releaseSecond();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("data: second\n\n");
  });

  it("a body past 4 MB is cut off with an error, not read into memory", async () => {
    const res = await nodeHttpFetch(`${base}/huge`);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it("a status outside 200-599 is a failed call (TypeError), not an exception thrown out of the socket's callback", async () => {
    const e = await nodeHttpFetch(`${base}/odd-status`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toMatch(/HTTP status 999/);
  });

  it("an empty answer has no body", async () => {
    const res = await nodeHttpFetch(`${base}/empty`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it("an abort rejects with an AbortError, before or during the call", async () => {
    await expect(nodeHttpFetch(`${base}/hang`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    const ac = new AbortController();
    const call = nodeHttpFetch(`${base}/hang`, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(call).rejects.toMatchObject({ name: "AbortError" });
  });

  it("a refused connection rejects as fetch does: TypeError('fetch failed') with the cause's code", async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, "127.0.0.1", ok));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const e = await nodeHttpFetch(`http://127.0.0.1:${port}/`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toBe("fetch failed");
    expect(((e as Error).cause as { code?: string }).code).toBe("ECONNREFUSED");
  });
});

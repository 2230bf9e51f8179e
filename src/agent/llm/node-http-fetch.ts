// The model client's fetch, over node:http(s) with keep-alive agents, for the openai SDK's `fetch`
// option. Node 20's built-in fetch holds each request (its body included) through WeakRefs until a
// full GC: in the agent bench that was about half of what every minor GC had to copy, and a model
// call cost 0.7 ms of CPU against 0.4 ms here. The response body streams, so a streamed reply
// (the voice agent) arrives piece by piece as before.
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";

const agents = { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) };
/** a chat completion is a few kB; a server sending more than this is cut off, not read into memory */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** fetch(url, init) for the SDK's own calls: a string or URL, a string or byte body, an AbortSignal. */
export async function nodeHttpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`fetch failed: unsupported protocol ${url.protocol}`);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  const body = await bodyOf(init.body);
  if (body !== undefined) headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  return new Promise<Response>((resolve, reject) => {
    const mod = url.protocol === "https:" ? https : http;
    const req = mod.request(url, { method: init.method ?? "GET", headers, agent: agents[url.protocol as "http:" | "https:"], signal }, (res) => {
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const x of v) h.append(k, x);
        else if (v !== undefined) h.set(k, v);
      }
      let received = 0;
      res.on("data", (c: Buffer) => {
        received += c.length;
        if (received > MAX_RESPONSE_BYTES) res.destroy(new Error(`model response over ${MAX_RESPONSE_BYTES} bytes: cut off`));
      });
      const status = res.statusCode ?? 500;
      const empty = status === 204 || status === 304 || init.method === "HEAD";
      // a status Response refuses (outside 200–599) is the server's fault: a failed call, not a throw here
      if (status < 200 || status > 599) {
        res.destroy();
        reject(new TypeError(`fetch failed: the server answered with HTTP status ${status}`));
        return;
      }
      if (empty) res.resume();
      resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage ?? "", headers: h }));
    });
    // an abort rejects with the AbortError itself (the SDK tells a timeout from a failure by it);
    // anything else as fetch does: TypeError("fetch failed") with the cause (ECONNREFUSED, …)
    req.on("error", (e) => reject(e.name === "AbortError" ? e : new TypeError("fetch failed", { cause: e })));
    req.end(body);
  });
}

/** the SDK's JSON body is a string: written as it is (UTF-8), not copied into a buffer first */
async function bodyOf(body: RequestInit["body"]): Promise<string | Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // anything else (a stream, form data): let Response do the encoding, then send the bytes
  return new Uint8Array(await new Response(body).arrayBuffer());
}

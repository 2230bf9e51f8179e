// The Twilio SDK's HTTP client, over node:http(s) with keep-alive agents. The SDK's own
// RequestClient sends through axios (config merging, interceptors, transforms): a send cost 0.52 ms
// of CPU that way against 0.28 ms here (a loopback server's share included), on the path of every
// text-back and reply. Same contract as
// the SDK's: its request options in, `{ statusCode, body, headers }` out (the SDK parses the JSON),
// any status answered (the SDK turns 4xx/5xx into its RestException), no redirects followed, and a
// Node error code (ECONNREFUSED, ECONNRESET, …) on a call that got no answer. The SDK has no
// base-URL option: requests to api.twilio.com go to `baseUrl` instead (TWILIO_API_BASE_URL).
import http from "node:http";
import https from "node:https";
import twilio from "twilio";

const TWILIO_API = "https://api.twilio.com";
/** a Messages list page is ~100 kB; a server sending more than this is cut off, not read into memory */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

type RequestOptions = Parameters<twilio.RequestClient["request"]>[0];
type Answer = { statusCode: number; body: string; headers: http.IncomingHttpHeaders };

/** The SDK's RequestClient with its `request` sent over node:http(s); through a proxy (HTTP_PROXY), the SDK's own. */
export function createTwilioHttpClient(baseUrl: string, timeoutMs: number): twilio.RequestClient {
  const base = baseUrl.replace(/\/+$/, "");
  // api.twilio.com gets the SDK's own socket limits (20 per host, 5 kept idle, 100 in all); a plain
  // http base (a loopback fake) gets what the SDK's axios gave it: Node's unlimited keep-alive agent
  const agents = {
    "http:": new http.Agent({ keepAlive: true }),
    "https:": new https.Agent({ keepAlive: true, maxSockets: 20, maxFreeSockets: 5, maxTotalSockets: 100 }),
  };
  class NodeHttpRequestClient extends twilio.RequestClient {
    override request<_T>(opts: RequestOptions) {
      const uri = opts.uri.startsWith(TWILIO_API) ? base + opts.uri.slice(TWILIO_API.length) : opts.uri;
      if (process.env.HTTP_PROXY) return super.request({ ...opts, uri, timeout: timeoutMs }) as never;
      return requestTwilio({ ...opts, uri }, timeoutMs, agents) as never; // the generic _T is only a label
    }
  }
  return new NodeHttpRequestClient({ timeout: timeoutMs, keepAlive: true });
}

async function requestTwilio(opts: RequestOptions, timeoutMs: number, agents: Record<"http:" | "https:", http.Agent>): Promise<Answer> {
  if (!opts.method) throw new Error("http method is required");
  const url = new URL(opts.uri);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`unsupported protocol ${url.protocol}`);
  if (opts.params) for (const [k, v] of formPairs(opts.params as Record<string, unknown>)) url.searchParams.append(k, v);
  const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined), Connection: "keep-alive" };
  if (opts.username && opts.password) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString("base64")}`;
  else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();
  const type = headers["Content-Type"];
  const body =
    opts.data === undefined || opts.data === null
      ? undefined
      : type === "application/json"
        ? JSON.stringify(opts.data)
        : new URLSearchParams(formPairs(opts.data as Record<string, unknown>)).toString();
  if (body !== undefined) {
    headers["Content-Type"] ??= "application/x-www-form-urlencoded";
    headers["Content-Length"] = String(Buffer.byteLength(body));
  }
  const mod = url.protocol === "https:" ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const req = mod.request(url, { method: opts.method.toUpperCase(), headers, agent: agents[url.protocol as "http:" | "https:"] }, (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      res.on("data", (c: Buffer) => {
        received += c.length;
        if (received > MAX_RESPONSE_BYTES) res.destroy(new Error(`Twilio response over ${MAX_RESPONSE_BYTES} bytes: cut off`));
        else chunks.push(c);
      });
      res.on("end", () => resolve({ statusCode: res.statusCode ?? 500, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    // the whole call, as axios' timeout: an answer that never comes is an unknown outcome (its code
    // is axios' ECONNABORTED, which the provider reads as "maybe sent")
    const timer = setTimeout(() => {
      const e = Object.assign(new Error(`timeout of ${timeoutMs}ms exceeded`), { code: "ECONNABORTED" });
      req.destroy(e);
    }, timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}

/** The SDK's form and query encoding (qs with arrayFormat "repeat"): a list repeats its key; undefined is left out. */
function formPairs(data: Record<string, unknown>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [k, v] of Object.entries(data)) {
    for (const x of Array.isArray(v) ? v : [v]) {
      if (x === undefined) continue;
      pairs.push([k, x === null ? "" : x instanceof Date ? x.toISOString() : String(x)]);
    }
  }
  return pairs;
}

// The Twilio provider's HTTP client against a real loopback server speaking Twilio's wire format:
// what the SDK sends (path, auth, form, query) and what it makes of each kind of answer.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../src/messaging/providers/sms-provider.ts";
import { createTwilioProvider } from "../../src/messaging/providers/twilio-provider.ts";

const SID = "AC00000000000000000000000000000001";
const TOKEN = "secret-token";
const TIMEOUT_MS = 400;

type Seen = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };
let server: Server;
let base = "";
const seen: Seen[] = [];
/** what the server does with the next request */
let answer: (req: IncomingMessage, res: import("node:http").ServerResponse, body: string) => void;

const message = (over: Record<string, unknown> = {}) => ({
  sid: "SM00000000000000000000000000000001",
  account_sid: SID,
  to: "+15555550123",
  from: "+15555550100",
  body: "On our way",
  status: "queued",
  direction: "outbound-api",
  date_created: new Date().toUTCString(),
  ...over,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      answer(req, res, body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((ok) => server.close(() => ok()));
});
beforeEach(() => {
  seen.length = 0;
  answer = (_req, res) => res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(message()));
});

const provider = () => createTwilioProvider({ accountSid: SID, authToken: TOKEN, baseUrl: `${base}/`, timeoutMs: TIMEOUT_MS, reconcileDelayMs: 0 });
const sms = { to: "+15555550123", from: "+15555550100", body: "On our way & see you at 9:30 – Acme" };

describe("the Twilio HTTP client", () => {
  it("creates a message as the SDK would: the path under the base URL, Basic auth, the form with each media URL repeated", async () => {
    const sent = await provider().send({
      ...sms,
      statusCallback: "https://leads.example.com/webhooks/twilio/status?m=1",
      mediaUrls: ["https://x.example/a.jpg", "https://x.example/b.jpg"],
    });
    expect(sent).toEqual({ providerId: "SM00000000000000000000000000000001", status: "queued" });
    const [req] = seen;
    expect(req!.method).toBe("POST");
    expect(req!.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}`);
    expect(req!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req!.headers["user-agent"]).toMatch(/^twilio-node\//);
    expect(Number(req!.headers["content-length"])).toBe(Buffer.byteLength(req!.body));
    const form = new URLSearchParams(req!.body);
    expect(Object.fromEntries(["To", "From", "Body", "StatusCallback"].map((k) => [k, form.get(k)]))).toEqual({
      To: sms.to,
      From: sms.from,
      Body: sms.body,
      StatusCallback: "https://leads.example.com/webhooks/twilio/status?m=1",
    });
    expect(form.getAll("MediaUrl")).toEqual(["https://x.example/a.jpg", "https://x.example/b.jpg"]);
  });

  it("lists messages with the query in the URL, and follows the next page", async () => {
    const page = (n: number, next: string | null, body: string) => ({
      messages: [message({ sid: `SM0000000000000000000000000000000${n}`, body })],
      next_page_uri: next,
      page: n,
      page_size: 50,
      uri: `/2010-04-01/Accounts/${SID}/Messages.json?PageSize=50&Page=${n}`,
    });
    answer = (req, res) => {
      const first = !req.url!.includes("Page=1");
      const body = JSON.stringify(
        first ? page(0, `/2010-04-01/Accounts/${SID}/Messages.json?To=%2B15555550123&PageSize=50&Page=1&PageToken=PA1`, "other") : page(1, null, sms.body),
      );
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    };
    const found = await provider().findSent({ ...sms, since: new Date(Date.now() - 60_000) });
    expect(found).toEqual({ providerId: "SM00000000000000000000000000000001", status: "queued" });
    expect(seen.map((r) => r.method)).toEqual(["GET", "GET"]);
    const q = new URL(seen[0]!.url, base).searchParams;
    expect([q.get("To"), q.get("From"), q.get("PageSize")]).toEqual([sms.to, sms.from, "50"]);
    expect(seen[1]!.url).toContain("PageToken=PA1");
  });

  it.each([
    { status: 400, code: 21211, outcome: "rejected" },
    { status: 429, code: 20429, outcome: "retryable" },
    { status: 503, code: 20503, outcome: "retryable" },
  ])("an HTTP $status answer is the SDK's error: status, Twilio's code, outcome $outcome", async ({ status, code, outcome }) => {
    answer = (_req, res) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ code, message: "nope", more_info: "", status }));
    const e = (await provider()
      .send(sms)
      .catch((x: unknown) => x)) as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect([e.httpStatus, e.code, e.outcome]).toEqual([status, String(code), outcome]);
  });

  it("no answer within the timeout: the call fails as an unknown outcome, on time", async () => {
    answer = () => {}; // never answers
    const started = performance.now();
    const e = (await provider()
      .send(sms)
      .catch((x: unknown) => x)) as ProviderError;
    expect([e.code, e.outcome]).toEqual(["ECONNABORTED", "unknown"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
  });

  it("a connection cut before the answer is an unknown outcome (the text may have been taken)", async () => {
    answer = (req) => req.socket.destroy();
    const e = (await provider()
      .send(sms)
      .catch((x: unknown) => x)) as ProviderError;
    expect([e.code, e.outcome]).toEqual(["ECONNRESET", "unknown"]);
  });

  it("a refused connection is certainly not sent: retryable", async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, "127.0.0.1", ok));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const p = createTwilioProvider({ accountSid: SID, authToken: TOKEN, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: TIMEOUT_MS });
    const e = (await p.send(sms).catch((x: unknown) => x)) as ProviderError;
    expect([e.code, e.outcome]).toEqual(["ECONNREFUSED", "retryable"]);
  });

  it("an answer larger than any Twilio page is cut off, not read into memory", async () => {
    answer = (_req, res) => {
      res.writeHead(201, { "content-type": "application/json" });
      const mb = Buffer.alloc(1024 * 1024, "x");
      const more = (n: number): void => void (n > 0 && res.write(mb, () => more(n - 1)));
      more(6);
    };
    const e = (await provider()
      .send(sms)
      .catch((x: unknown) => x)) as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toMatch(/cut off/);
    expect(e.outcome).toBe("unknown");
  });
});

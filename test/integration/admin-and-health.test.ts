import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { callParams, dialStatusParams, smsParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, ADMIN_TOKEN, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

let t: TestLeadline;
const from = "+14155550142";
beforeAll(async () => {
  t = await startTestLeadline();
  await t.apply(acmeProfile());
  const call = callParams({ from, to: ACME_NUMBER });
  await t.post("/webhooks/twilio/voice", call);
  await t.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
  await waitFor(() => twilio.sent.some((m) => m.To === from), "text-back");
  await t.post("/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body: "Water heater is out" }));
  await waitFor(() => twilio.sent.filter((m) => m.To === from).length === 2, "text-back and ack");
  // Twilio's answer is recorded just after the fake sends it
  await waitFor(async () => (await t.ctx.prisma.message.count({ where: { toNumber: from, status: "accepted" } })) === 2, "both accepted");
});
afterAll(() => t.close());

interface ListBody {
  conversations: {
    id: string;
    contact: { name: string | null; phone: string };
    channels: string[];
    status: string;
    handledBy: string;
    lead: { stage: string; source: string };
    lastMessage: { body: string };
  }[];
}

describe("admin API", () => {
  it.each([
    ["no token", null, 401],
    ["a wrong token", "wrong-token-0123456789", 401],
  ])("refuses %s", async (_, token, status) => {
    expect((await t.admin("/api/admin/businesses/acme-plumbing/conversations", token)).status).toBe(status);
  });

  it("lists conversations with contact, channels, status, handler, lead stage and source, last message", async () => {
    const res = await t.admin("/api/admin/businesses/acme-plumbing/conversations");
    expect(res.status).toBe(200);
    const body = (await res.json()) as ListBody;
    const c = body.conversations.find((x) => x.contact.phone === from)!;
    expect(c).toMatchObject({ status: "open", handledBy: "ai", lead: { stage: "new", source: "google-lsa" } });
    expect(c.channels).toEqual(["sms", "voice"]);
    expect(c.lastMessage.body).toMatch(/Thanks for reaching out/);
  });

  it("shows one conversation's timeline: missed call, text-back, inbound text, acknowledgement", async () => {
    const list = (await (await t.admin("/api/admin/businesses/acme-plumbing/conversations")).json()) as ListBody;
    const id = list.conversations.find((x) => x.contact.phone === from)!.id;
    const res = await t.admin(`/api/admin/conversations/${id}`);
    const body = (await res.json()) as {
      contact: { phone: string };
      lead: { source: string; utm: object; touches: { channel: string; source: string }[] };
      messages: { direction: string; author: string; body: string; status: string; channel: string }[];
      appointments: unknown[];
    };
    expect(body.contact.phone).toBe(from);
    expect(body.lead.source).toBe("google-lsa");
    expect(body.lead.touches).toEqual([expect.objectContaining({ channel: "call", source: "google-lsa" })]);
    expect(body.messages.map((m) => [m.direction, m.channel, m.author])).toEqual([
      ["inbound", "voice", "contact"],
      ["outbound", "sms", "template"],
      ["inbound", "sms", "contact"],
      ["outbound", "sms", "template"],
    ]);
    expect(body.messages[1]!.status).toBe("accepted");
    expect(body.appointments).toEqual([]);
  });

  it("404s an unknown business or conversation, 400s a malformed id", async () => {
    expect((await t.admin("/api/admin/businesses/nobody-here/conversations")).status).toBe(404);
    expect((await t.admin("/api/admin/conversations/cxxxxxxxxxxxxxxxxxxxxxxxx")).status).toBe(404);
    const bad = await t.admin("/api/admin/conversations/DROP%20TABLE");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^id:/);
  });

  it("the queue board needs the admin token in the Authorization header (or the login cookie), never the query string", async () => {
    expect((await fetch(`${t.url}/admin/queues`)).status).toBe(401);
    const query = await fetch(`${t.url}/admin/queues?token=admin-token-0123456789`);
    expect(query.status).toBe(401);
    expect(query.headers.get("set-cookie")).toBeNull();
    const res = await fetch(`${t.url}/admin/queues`, { headers: { authorization: "Bearer admin-token-0123456789" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });
});

describe("health and metrics", () => {
  it("/healthz and /readyz answer 200 while Postgres and Redis are up", async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ postgres: "ok", redis: "ok" });
  });

  it("/metrics counts webhooks by route and outcome, sends by status, and text-back latency", async () => {
    await t.post("/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body: "x" }), { signature: "bad" });
    await waitFor(async () => /leadline_textback_latency_seconds_count 1/.test(await (await fetch(`${t.url}/metrics`)).text()), "latency observed");
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/leadline_webhooks_total\{route="sms",outcome="stored"\} [1-9]/);
    expect(text).toMatch(/leadline_webhooks_total\{route="sms",outcome="rejected"\} 1/);
    expect(text).toMatch(/leadline_webhooks_total\{route="dial-status",outcome="stored"\} 1/);
    expect(text).toMatch(/leadline_outbound_messages_total\{status="accepted"\} 2/);
  });

  it("/metrics without METRICS_TOKEN is open, a bearer header or not", async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: "Bearer whatever" } })).status).toBe(200);
  });

  it("every response carries a request id; unknown routes are a JSON 404", async () => {
    const res = await fetch(`${t.url}/nope`, { headers: { "x-request-id": "req-123" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("req-123");
    expect(((await res.json()) as { error: string }).error).toMatch(/no route/);
  });
});

describe("/metrics with METRICS_TOKEN set", () => {
  const METRICS_TOKEN = "metrics-token-5f2a9c81d7e4";
  let m: TestLeadline;
  beforeAll(async () => {
    m = await startTestLeadline({ env: { METRICS_TOKEN } });
  });
  afterAll(() => m?.close());

  it.each<[string, Record<string, string>]>([
    ["no Authorization header", {}],
    ["a wrong token", { authorization: "Bearer metrics-token-5f2a9c81d7e5" }],
    ["the token with a different length", { authorization: `Bearer ${METRICS_TOKEN}x` }],
    ["the token as Basic credentials", { authorization: `Basic ${Buffer.from(`prometheus:${METRICS_TOKEN}`).toString("base64")}` }],
    ["the token without the scheme", { authorization: METRICS_TOKEN }],
    ["the admin token", { authorization: `Bearer ${ADMIN_TOKEN}` }],
  ])("%s: 401 and no metrics", async (_label, headers) => {
    const res = await fetch(`${m.url}/metrics`, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    const body = await res.text();
    expect(body).not.toContain("leadline_");
    expect(JSON.parse(body)).toEqual({ error: "missing or wrong bearer token for /metrics" });
  });

  it("a token in the query string is not accepted", async () => {
    expect((await fetch(`${m.url}/metrics?token=${METRICS_TOKEN}`)).status).toBe(401);
  });

  it.each(["Bearer", "bearer"])("%s <token>: 200 with the metrics", async (scheme) => {
    const res = await fetch(`${m.url}/metrics`, { headers: { authorization: `${scheme} ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("leadline_webhooks_total");
  });

  it("health checks stay open", async () => {
    expect((await fetch(`${m.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${m.url}/readyz`)).status).toBe(200);
  });
});

import { createHmac } from "node:crypto";
import { DateTime } from "luxon";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TReport } from "../../src/console/console-schemas.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { createGraphFake, GRAPH, leadgenWebhook, signMeta } from "../fakes/meta-graph.ts";
import { callParams, dialStatusParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
const graph = createGraphFake();
useMsw(twilio.handler, graph.handler);

const TOKEN = "form-token-123456";
const GOOGLE_KEY = "google-key-abc";
const META = { pageId: "1122334455", pageAccessToken: "EAAB-page-token", appSecret: "meta-app-secret", verifyToken: "meta-verify-me" };
const ORIGIN = "https://acmeplumbing.example";

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline({ env: { FACEBOOK_GRAPH_URL: GRAPH } });
  await t.apply(acmeProfile({ forms: { token: TOKEN, googleKey: GOOGLE_KEY }, meta: META, webchat: { allowedOrigins: [ORIGIN] } }));
});
afterAll(() => t.close());
afterEach(() => twilio.reset());

let n = 0;
const nextPhone = () => `+1917555${String(1000 + ++n).padStart(4, "0")}`;

function postForm(body: string, headers: Record<string, string>) {
  return fetch(`${t.url}/webhooks/forms/acme-plumbing`, { method: "POST", headers, body });
}
const postJson = (obj: object, headers: Record<string, string> = { "x-leadline-token": TOKEN }) =>
  postForm(JSON.stringify(obj), { "content-type": "application/json", ...headers });
const leadRow = (leadId: string) =>
  waitFor(
    () => t.ctx.prisma.lead.findUnique({ where: { id: leadId }, include: { contact: { include: { consents: true } }, touches: true } }),
    `lead ${leadId}`,
  );

describe("website forms", () => {
  it("a JSON lead with a phone is texted at once, attributed, with the request as consent basis", async () => {
    const phone = nextPhone();
    const res = await postJson({
      first_name: "Maria",
      last_name: "Lopez",
      phone_number: phone.replace("+1", ""),
      email: "Maria@Example.com",
      postal_code: "10001",
      comments: "Water heater leaking",
      service: "water-heater",
      how_did_you_hear: "neighbor",
      utm_source: "google",
      utm_medium: "cpc",
      utm_campaign: "winter",
      gclid: "Cj0KCQ",
      landing_page: "https://acmeplumbing.example/water-heaters",
    });
    expect(res.status).toBe(202);
    const { leadId } = (await res.json()) as { leadId: string };
    expect(leadId).toMatch(/^[a-z0-9]{20,}$/);
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "speed-to-lead text");
    const text = twilio.sent.find((m) => m.To === phone)!;
    expect(text.From).toBe(ACME_NUMBER);
    expect(text.Body).toMatch(/^Hi Maria, this is Acme Plumbing/);
    // the text goes first; the consent record and timeline follow it
    await waitFor(async () => (await t.ctx.prisma.consent.count({ where: { contact: { phone } } })) === 1, "consent recorded");
    const lead = await leadRow(leadId);
    expect(lead).toMatchObject({
      channel: "form",
      source: "google-ads",
      utmSource: "google",
      utmCampaign: "winter",
      gclid: "Cj0KCQ",
      needsAttention: false,
      isTest: false,
    });
    expect(lead.details).toMatchObject({ service: "water-heater", message: "Water heater leaking", fields: { how_did_you_hear: "neighbor" } });
    expect(lead.contact).toMatchObject({ name: "Maria Lopez", phone, email: "maria@example.com", zip: "10001" });
    expect(lead.contact.consents.map((c) => c.basis)).toEqual(["form"]);
    await waitFor(async () => (await t.ctx.prisma.lead.findUniqueOrThrow({ where: { id: leadId } })).firstResponseAt, "first response recorded");
  });

  it.each([
    ["a link as first_name (issue 16)", { first_name: "evil.example/refund-claim" }, "evil.example/refund-claim"],
    ["a sentence as name", { name: "Call 1-900-555-0100 for your refund" }, "Call 1-900-555-0100 for your refund"],
  ])("%s: the first text says 'there', the contact gets no name, the office sees what was typed", async (_label, nameFields, typed) => {
    const phone = nextPhone();
    const res = await postJson({ ...nameFields, phone, message: "Leaky pipe" });
    expect(res.status).toBe(202);
    const { leadId } = (await res.json()) as { leadId: string };
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "speed-to-lead text");
    const body = twilio.sent.find((m) => m.To === phone)!.Body;
    expect(body).toMatch(/^Hi there, this is Acme Plumbing/);
    expect(body).not.toContain(typed.split(" ")[0]);
    const lead = await leadRow(leadId);
    expect(lead.contact.name).toBeNull();
    expect(lead.details).toMatchObject({ nameAsTyped: typed });
  });

  it("an urlencoded lead signed with X-Leadline-Signature is accepted", async () => {
    const phone = nextPhone();
    const body = new URLSearchParams({ "your-name": "Sam Lee", "your-phone": phone, "your-message": "Clogged drain" }).toString();
    const sig = "sha256=" + createHmac("sha256", TOKEN).update(body).digest("hex");
    const res = await postForm(body, { "content-type": "application/x-www-form-urlencoded", "x-leadline-signature": sig });
    expect(res.status).toBe(202);
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "text");
  });

  it.each([
    ["a wrong token", { "x-leadline-token": "nope-nope-nope" }],
    ["no token at all", {}],
    ["a bad signature", { "x-leadline-signature": "sha256=" + "0".repeat(64) }],
  ])("%s is a 403 and nothing is stored", async (_, headers) => {
    const before = await t.ctx.prisma.inboundEvent.count({ where: { provider: "form" } });
    const res = await postJson({ name: "Eve", phone: nextPhone() }, headers as Record<string, string>);
    expect(res.status).toBe(403);
    expect(await t.ctx.prisma.inboundEvent.count({ where: { provider: "form" } })).toBe(before);
  });

  it.each([
    ["malformed JSON", () => postForm("{oops", { "content-type": "application/json", "x-leadline-token": TOKEN }), 400],
    ["a JSON array", () => postForm("[1,2]", { "content-type": "application/json", "x-leadline-token": TOKEN }), 400],
    ["an unsupported content type", () => postForm("name=x", { "content-type": "text/plain", "x-leadline-token": TOKEN }), 400],
    ["no way to reach anyone", () => postJson({ comments: "hi" }), 400],
    ["an oversized body", () => postJson({ name: "x", phone: "2125550100", comments: "x".repeat(70_000) }), 413],
  ])("%s is refused with a one-line reason", async (_, act, status) => {
    const res = await act();
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(/^[^\n]+$/);
  });

  it("the same submission id twice is one lead and one text", async () => {
    const phone = nextPhone();
    const body = { submission_id: `sub-${phone}`, name: "Dup Person", phone };
    const [a, b] = await Promise.all([postJson(body), postJson(body)]);
    const ids = [((await a.json()) as { leadId: string }).leadId, ((await b.json()) as { leadId: string }).leadId];
    expect(ids[0]).toBe(ids[1]);
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "text");
    await settle();
    expect(twilio.sent.filter((m) => m.To === phone)).toHaveLength(1);
    expect(await t.ctx.prisma.lead.count({ where: { contact: { phone } } })).toBe(1);
  });

  it("a lead without a phone is in the inbox and flagged for the office, and nobody is texted", async () => {
    const res = await postJson({ name: "No Phone", email: "nophone@example.com", message: "Call me maybe" });
    const { leadId } = (await res.json()) as { leadId: string };
    const lead = await leadRow(leadId);
    expect(lead.needsAttention).toBe(true);
    expect(lead.contact.phone).toBeNull();
    await settle();
    expect(twilio.attempts).toHaveLength(0);
    const inList = async () => {
      const list = (await (await t.admin("/api/admin/businesses/acme-plumbing/conversations")).json()) as {
        conversations: { contact: { email: string }; lastMessage: { body: string } }[];
      };
      return list.conversations.find((c) => c.contact.email === "nophone@example.com")?.lastMessage.body;
    };
    expect(await waitFor(inList, "the form on the office's list")).toBe("Web form: Call me maybe");
  });
});

describe("Google Ads lead forms", () => {
  const googleLead = (over: object = {}) => ({
    lead_id: `TeSter-${Math.random().toString(36).slice(2)}`,
    user_column_data: [
      { column_name: "Full Name", string_value: "Pat Doe", column_id: "FULL_NAME" },
      { column_name: "User Phone", string_value: nextPhone(), column_id: "PHONE_NUMBER" },
      { column_name: "User Email", string_value: "pat@example.com", column_id: "EMAIL" },
      { column_name: "Postal Code", string_value: "10002", column_id: "POSTAL_CODE" },
      { column_name: "What service do you need?", string_value: "Drain cleaning", column_id: "what_service_do_you_need?" },
    ],
    api_version: "1.0",
    form_id: 40000000000,
    campaign_id: 12345678901,
    adgroup_id: 20000000000,
    creative_id: 30000000000,
    gcl_id: "EAIaIQobChMI",
    google_key: GOOGLE_KEY,
    is_test: false,
    ...over,
  });
  const post = (body: object) =>
    fetch(`${t.url}/webhooks/forms/acme-plumbing/google-ads`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("stores Google's payload once, attributes it to google-ads, and texts the lead", async () => {
    const g = googleLead();
    const phone = g.user_column_data[1]!.string_value;
    const res = await post(g);
    expect(res.status).toBe(200);
    const { leadId } = (await res.json()) as { leadId: string };
    expect(((await (await post(g)).json()) as { leadId: string }).leadId).toBe(leadId);
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "text");
    const lead = await leadRow(leadId);
    expect(lead).toMatchObject({
      channel: "google-ads",
      source: "google-ads",
      externalId: g.lead_id,
      gclid: "EAIaIQobChMI",
      formId: "40000000000",
      campaignId: "12345678901",
      isTest: false,
    });
    expect(lead.details).toMatchObject({ fields: { "What service do you need?": "Drain cleaning" } });
    await settle();
    expect(twilio.sent.filter((m) => m.To === phone)).toHaveLength(1);
  });

  it("a web address as Google's FULL_NAME: the text says 'there'", async () => {
    const g = googleLead();
    g.user_column_data[0] = { column_name: "Full Name", string_value: "refund.claims-desk.example", column_id: "FULL_NAME" };
    const phone = g.user_column_data[1]!.string_value;
    expect((await post(g)).status).toBe(200);
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "text");
    expect(twilio.sent.find((m) => m.To === phone)!.Body).toMatch(/^Hi there, this is Acme Plumbing/);
  });

  it("a test lead is marked as a test and not texted", async () => {
    const g = googleLead({ is_test: true });
    const { leadId } = (await (await post(g)).json()) as { leadId: string };
    const lead = await leadRow(leadId);
    expect(lead.isTest).toBe(true);
    await settle();
    expect(twilio.attempts).toHaveLength(0);
  });

  it("a wrong google_key is a 403 and nothing is stored", async () => {
    const g = googleLead({ google_key: "wrong" });
    const res = await post(g);
    expect(res.status).toBe(403);
    expect(await t.ctx.prisma.inboundEvent.count({ where: { provider: "google-ads", externalId: { endsWith: g.lead_id } } })).toBe(0);
  });
});

describe("Meta lead ads", () => {
  it("answers the subscription challenge only for a known verify token", async () => {
    const ok = await fetch(`${t.url}/webhooks/facebook?hub.mode=subscribe&hub.verify_token=${META.verifyToken}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    const bad = await fetch(`${t.url}/webhooks/facebook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
    expect(bad.status).toBe(403);
  });

  it("fetches the lead from the Graph API with the page token (retrying a Graph outage) and texts it", async () => {
    const phone = nextPhone();
    graph.addLead("900001", {
      full_name: "Lee Kim",
      phone_number: phone,
      email: "lee@example.com",
      zip_code: "10003",
      "what_do_you_need_help_with?": "No hot water",
    });
    graph.failNext(1);
    const raw = JSON.stringify(leadgenWebhook({ pageId: META.pageId, leadgenId: "900001" }));
    const res = await fetch(`${t.url}/webhooks/facebook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": signMeta(META.appSecret, raw) },
      body: raw,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("EVENT_RECEIVED");
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "text after the Graph retry");
    expect(graph.calls.filter((c) => c.leadgenId === "900001").length).toBe(2);
    expect(graph.calls[0]!.token).toBe(META.pageAccessToken);
    const lead = await waitFor(
      () => t.ctx.prisma.lead.findFirst({ where: { externalId: "900001" }, include: { contact: true } }),
      "lead row (written after the text)",
    );
    expect(lead).toMatchObject({ channel: "meta", source: "facebook-ads", formId: "7000000000001", adId: "6000000000001" });
    expect(lead.contact).toMatchObject({ name: "Lee Kim", email: "lee@example.com", zip: "10003" });
  });

  it("a bad X-Hub-Signature-256 is a 403 and nothing is stored", async () => {
    const raw = JSON.stringify(leadgenWebhook({ pageId: META.pageId, leadgenId: "900002" }));
    const res = await fetch(`${t.url}/webhooks/facebook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": signMeta("not-the-secret", raw) },
      body: raw,
    });
    expect(res.status).toBe(403);
    expect(await t.ctx.prisma.inboundEvent.count({ where: { provider: "meta" } })).toBe(1);
  });
});

describe("doors that lead nowhere", () => {
  it.each([
    [
      "a form for an unknown business",
      () =>
        fetch(`${t.url}/webhooks/forms/nobody-here`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-leadline-token": TOKEN },
          body: '{"name":"x","phone":"2125550100"}',
        }),
      404,
    ],
    [
      "a Google lead without lead_id",
      () =>
        fetch(`${t.url}/webhooks/forms/acme-plumbing/google-ads`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ google_key: GOOGLE_KEY, user_column_data: [] }),
        }),
      400,
    ],
    [
      "Meta malformed JSON",
      () =>
        fetch(`${t.url}/webhooks/facebook`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-hub-signature-256": signMeta(META.appSecret, "{no") },
          body: "{no",
        }),
      400,
    ],
    [
      "Meta for a page no business owns, correctly signed with our secret",
      () => {
        const raw = JSON.stringify(leadgenWebhook({ pageId: "999999", leadgenId: "900099" }));
        return fetch(`${t.url}/webhooks/facebook`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-hub-signature-256": signMeta(META.appSecret, raw) },
          body: raw,
        });
      },
      403,
    ],
    [
      "a chat session for a business without web chat",
      () => fetch(`${t.url}/api/chat/nobody-here/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
      404,
    ],
  ])("%s is refused with a one-line reason and stores nothing", async (_, act, status) => {
    const before = await t.ctx.prisma.inboundEvent.count();
    const res = await act();
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(/^[^\n]+$/);
    expect(await t.ctx.prisma.inboundEvent.count()).toBe(before);
  });
});

describe("one contact, many doors", () => {
  it("a form with a phone whose email an email-only contact already has joins that contact (one homeowner, one thread)", async () => {
    const phone = nextPhone();
    const email = `twin-${phone.slice(-4)}@example.com`;
    await postJson({ name: "Sam Ortiz", email, message: "Quote for a water softener" });
    const first = await waitFor(() => t.ctx.prisma.contact.findFirst({ where: { email } }), "the email-only contact");
    expect(first.phone).toBeNull();
    await postJson({ name: "Sam Ortiz", phone, email: email.toUpperCase(), message: "Here is my number" });
    await waitFor(() => twilio.sent.find((m) => m.To === phone), "the first text");
    const contacts = await t.ctx.prisma.contact.findMany({ where: { OR: [{ phone }, { email }] } });
    expect(contacts.map((c) => [c.phone, c.email])).toEqual([[phone, email]]);
    const open = await t.ctx.prisma.conversation.findMany({ where: { contactId: contacts[0]!.id, status: "open" } });
    expect(open).toHaveLength(1);
  });

  it("a homeowner who chats, then fills a form, then calls is one contact with one timeline", async () => {
    const phone = nextPhone();
    const session = (await (
      await fetch(`${t.url}/api/chat/acme-plumbing/sessions`, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN }, body: "{}" })
    ).json()) as { sessionId: string; token: string };
    const auth = { "content-type": "application/json", authorization: `Bearer ${session.token}`, origin: ORIGIN };
    await fetch(`${t.url}/api/chat/sessions/${session.sessionId}/messages`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ text: "Do you fix sump pumps?", clientId: "m1" }),
    });
    await waitFor(
      async () =>
        (await t.ctx.prisma.message.count({ where: { conversation: { chatSessions: { some: { id: session.sessionId } } }, author: "template" } })) === 1,
      "chat ack",
    );
    const consentText = "I agree to receive text messages from Acme Plumbing about my request. Reply STOP to opt out.";
    expect(
      (
        await fetch(`${t.url}/api/chat/sessions/${session.sessionId}/sms`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ name: "Chris Park", phone, consent: true, consentText }),
        })
      ).status,
    ).toBe(200);
    // the number's owner proves it with the code from the invitation: only then are the two one
    const invitation = await waitFor(() => twilio.sent.find((m) => m.To === phone), "the invitation");
    const code = /\b(\d{6})\b/.exec(invitation.Body)?.[1];
    const verify = await fetch(`${t.url}/api/chat/sessions/${session.sessionId}/sms/verify`, { method: "POST", headers: auth, body: JSON.stringify({ code }) });
    expect(verify.status).toBe(200);
    // the form and the call race each other
    const call = callParams({ from: phone, to: ACME_NUMBER });
    await Promise.all([postJson({ name: "Chris Park", phone, email: "chris@example.com", message: "Sump pump died" }), t.post("/webhooks/twilio/voice", call)]);
    await t.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
    await waitFor(async () => (await t.ctx.prisma.call.findUnique({ where: { callSid: call.CallSid! } }))?.status === "missed", "missed call");
    await waitFor(async () => (await t.ctx.prisma.message.count({ where: { contact: { phone }, channel: "form" } })) === 1, "form on the timeline");
    await waitFor(async () => (await t.ctx.prisma.message.count({ where: { contact: { phone }, channel: "voice" } })) === 1, "missed call on the timeline");
    const contacts = await t.ctx.prisma.contact.findMany({ where: { OR: [{ phone }, { email: "chris@example.com" }] } });
    expect(contacts).toHaveLength(1);
    const open = await t.ctx.prisma.conversation.findMany({ where: { contactId: contacts[0]!.id, status: "open" }, include: { messages: true } });
    expect(open).toHaveLength(1);
    expect(open[0]!.messages.map((m) => m.channel).sort()).toEqual(expect.arrayContaining(["webchat", "form", "voice", "sms"]));
    const leads = await t.ctx.prisma.lead.findMany({ where: { contactId: contacts[0]!.id }, include: { touches: true } });
    expect(leads).toHaveLength(1);
    expect(leads[0]!.channel).toBe("webchat"); // first touch kept
    expect(leads[0]!.details).toMatchObject({ message: "Sump pump died" }); // the form's details join the lead
    // in the stream's order (without an ORDER BY, Postgres returns rows in whatever order its plan meets them)
    const changes = await t.ctx.prisma.domainEvent.findMany({
      where: { type: "lead.updated", payload: { path: ["leadId"], equals: leads[0]!.id } },
      orderBy: { seq: "asc" },
    });
    expect(changes.map((e) => (e.payload as { change: string }).change)).toEqual(["created", "details"]);
    expect(leads[0]!.touches.map((x) => x.channel)).toEqual(expect.arrayContaining(["webchat", "form"]));
  });
});

type Report = {
  speedToLead: TReport["speedToLead"];
  bySource: { source: string; leads: number; responded: number; medianFirstResponseSeconds: number | null }[];
};

describe("reports", () => {
  it("shows leads and first-response times by source for a date range", async () => {
    const res = await t.admin(`/api/admin/businesses/acme-plumbing/reports?from=2026-01-01&to=2030-12-31`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Report;
    const google = body.bySource.find((s) => s.source === "google-ads")!;
    expect(google.leads).toBeGreaterThanOrEqual(2); // the JSON form with gclid and the Google lead form (the test lead is excluded)
    expect(google.responded).toBe(google.leads);
    expect(google.medianFirstResponseSeconds).toBeLessThan(5);
    expect(body.bySource.some((s) => s.source === "facebook-ads")).toBe(true);

    // over time: five years in months, every month present, together every lead of the range
    const s = body.speedToLead;
    expect(s.bucket).toBe("month");
    expect(s.series).toHaveLength(60);
    expect(s.series[0]!.period).toBe("2026-01-01");
    expect(s.series.reduce((n, p) => n + p.leads, 0)).toBe(s.leads);
    expect(s.series.reduce((n, p) => n + p.responded, 0)).toBe(s.responded);
    // a month's point is that month's report; a day's point is that day's report (the leads came today)
    const overall = (r: Report) => ({
      leads: r.speedToLead.leads,
      responded: r.speedToLead.responded,
      medianFirstResponseSeconds: r.speedToLead.medianSeconds,
      p90FirstResponseSeconds: r.speedToLead.p90Seconds,
    });
    const report = async (q: string) => (await (await t.admin(`/api/admin/businesses/acme-plumbing/reports?${q}`)).json()) as Report;
    const november = await report("from=2026-11-01&to=2026-11-30");
    expect(november.speedToLead.leads).toBeGreaterThan(0);
    expect(s.series.find((p) => p.period === "2026-11-01")).toEqual({ period: "2026-11-01", ...overall(november) });
    expect(november.speedToLead.bucket).toBe("day");
    expect(november.speedToLead.series).toHaveLength(30);
    const today = DateTime.fromJSDate(t.clock.now(), { zone: "America/New_York" }).toISODate()!;
    const day = await report(`from=${today}&to=${today}`);
    expect(day.speedToLead.series).toEqual([{ period: today, ...overall(day) }]);
    expect(november.speedToLead.series.find((p) => p.period === today)).toEqual({ period: today, ...overall(day) });

    expect((await t.admin(`/api/admin/businesses/acme-plumbing/reports?from=2026-13-01`)).status).toBe(400);
    expect((await t.admin(`/api/admin/businesses/acme-plumbing/reports?from=2026-02-30&to=2026-03-01`)).status).toBe(400);
    expect((await t.admin(`/api/admin/businesses/acme-plumbing/reports?from=2026-05-02&to=2026-05-01`)).status).toBe(400);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

const ORIGIN = "https://acmeplumbing.example";
let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline();
  await t.apply(acmeProfile({ webchat: { allowedOrigins: [ORIGIN], greeting: "Hi! How can we help today?" } }));
});
afterAll(() => t.close());
afterEach(() => twilio.reset());

interface Session {
  sessionId: string;
  token: string;
  greeting: string;
  businessName: string;
}

async function newSession(body: object = {}, origin = ORIGIN): Promise<Session> {
  const res = await fetch(`${t.url}/api/chat/acme-plumbing/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  expect(res.headers.get("access-control-allow-origin")).toBe(origin);
  return (await res.json()) as Session;
}
const say = (s: Session, text: string, clientId?: string, token = s.token) =>
  fetch(`${t.url}/api/chat/sessions/${s.sessionId}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, origin: ORIGIN },
    body: JSON.stringify({ text, ...(clientId ? { clientId } : {}) }),
  });

/** reads SSE `message` events until `until` holds or the time runs out */
async function readEvents(s: Session, until: (events: { id: string; author: string; text: string; clientId?: string }[]) => boolean, lastEventId?: string) {
  const ac = new AbortController();
  const res = await fetch(`${t.url}/api/chat/sessions/${s.sessionId}/events?token=${s.token}`, {
    signal: ac.signal,
    headers: lastEventId ? { "last-event-id": lastEventId } : {},
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
  const events: { id: string; author: string; text: string; clientId?: string }[] = [];
  const reader = res.body!.getReader();
  let buf = "";
  const deadline = Date.now() + 20_000;
  try {
    while (!until(events) && Date.now() < deadline) {
      const { value, done } = await Promise.race([
        reader.read(),
        new Promise<{ value: undefined; done: boolean }>((r) => setTimeout(() => r({ value: undefined, done: false }), 500)),
      ]);
      if (done) break;
      if (value) buf += new TextDecoder().decode(value);
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: message$/m.test(block) && data) events.push(JSON.parse(data));
      }
    }
  } finally {
    ac.abort();
  }
  return events;
}

describe("web chat API", () => {
  it("a visitor chats and gets the acknowledgement on the event stream, once", async () => {
    const s = await newSession({
      landingPage: "https://acmeplumbing.example/drains?utm_source=google&utm_medium=cpc&utm_campaign=fall&gclid=abc123",
      referrer: "https://www.google.com/",
    });
    expect(s.greeting).toBe("Hi! How can we help today?");
    expect(s.businessName).toBe("Acme Plumbing");
    const res = await say(s, "My drain is clogged", "c1");
    expect(res.status).toBe(202);
    const events = await readEvents(s, (e) => e.some((x) => x.author === "template"));
    expect(events.map((e) => [e.author, e.text.slice(0, 25)])).toEqual([
      ["contact", "My drain is clogged"],
      ["template", "Thanks for reaching out t"],
    ]);
    expect(events[0]!.clientId).toBe("c1");
    const lead = await t.ctx.prisma.lead.findFirstOrThrow({ where: { contact: { chatSessions: { some: { id: s.sessionId } } } } });
    expect(lead).toMatchObject({
      channel: "webchat",
      source: "google-ads",
      utmSource: "google",
      utmCampaign: "fall",
      gclid: "abc123",
      referrer: "https://www.google.com/",
    });
    expect(lead.firstResponseAt).not.toBeNull();
    expect(twilio.attempts).toHaveLength(0); // a web chat reply is not an SMS
  });

  it("a retried POST with the same clientId is stored once; a reconnect with Last-Event-ID gets only what is new", async () => {
    const s = await newSession();
    await Promise.all([say(s, "hello", "same"), say(s, "hello", "same")]);
    const first = await readEvents(s, (e) => e.length >= 2);
    expect(first.filter((e) => e.author === "contact")).toHaveLength(1);
    await say(s, "second message", "c2");
    const later = await readEvents(s, (e) => e.some((x) => x.text === "second message"), first.at(-1)!.id);
    expect(later.map((e) => e.text)).toEqual(["second message"]);
  });

  it("an open stream receives the visitor's message and the reply live", async () => {
    const s = await newSession();
    const reading = readEvents(s, (e) => e.some((x) => x.author === "template"));
    await settle(300); // the stream is open (and has replayed an empty history) before anything is said
    await say(s, "live one", "l1");
    const events = await reading;
    expect(events.map((e) => e.author)).toEqual(["contact", "template"]);
  });

  it("refuses an origin the business did not list, and stores nothing", async () => {
    const before = await t.ctx.prisma.chatSession.count();
    const res = await fetch(`${t.url}/api/chat/acme-plumbing/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: "{}",
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(await t.ctx.prisma.chatSession.count()).toBe(before);
    const pre = await fetch(`${t.url}/api/chat/acme-plumbing/sessions`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  it.each([
    ["a wrong token", (s: Session) => say(s, "hi", undefined, "not-the-token"), 401],
    ["an empty message", (s: Session) => say(s, "   "), 400],
    ["a message over 1000 characters", (s: Session) => say(s, "x".repeat(1001)), 400],
    [
      "malformed JSON",
      (s: Session) =>
        fetch(`${t.url}/api/chat/sessions/${s.sessionId}/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${s.token}` },
          body: "{nope",
        }),
      400,
    ],
    [
      "an oversized body",
      (s: Session) =>
        fetch(`${t.url}/api/chat/sessions/${s.sessionId}/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${s.token}` },
          body: JSON.stringify({ text: "a", pad: "x".repeat(20_000) }),
        }),
      413,
    ],
  ])("%s is refused (%#) and nothing is stored", async (_, act, status) => {
    const s = await newSession();
    const res = await act(s);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(/^[^\n]+$/);
    await settle(200);
    expect(await t.ctx.prisma.message.count({ where: { conversation: { chatSessions: { some: { id: s.sessionId } } } } })).toBe(0);
  });

  it("rate-limits a session that sends too fast (429 with Retry-After)", async () => {
    const s = await newSession();
    const statuses: number[] = [];
    for (let i = 0; i < 17; i++) statuses.push((await say(s, `msg ${i}`, `r${i}`)).status);
    expect(statuses.slice(0, 15).every((x) => x === 202)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("'text me instead' moves the conversation to SMS with recorded consent, and joins an existing contact", async () => {
    // this homeowner texted before: the chat must join that contact, not make a second one
    const phone = "+12125550177";
    await t.post("/webhooks/twilio/sms", smsParams({ from: phone, to: ACME_NUMBER, body: "earlier text" }));
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "ack of the earlier text");
    twilio.reset();
    const s = await newSession();
    await say(s, "can you text me?", "h1");
    await readEvents(s, (e) => e.some((x) => x.author === "template"));
    const post = (body: object) =>
      fetch(`${t.url}/api/chat/sessions/${s.sessionId}/sms`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${s.token}`, origin: ORIGIN },
        body: JSON.stringify(body),
      });
    const wording = "I agree to receive text messages from Acme Plumbing about my request. Msg & data rates may apply. Reply STOP to opt out.";
    expect((await post({ name: "Dana Smith", phone, consent: false, consentText: wording })).status).toBe(400);
    expect((await post({ name: "Dana Smith", phone: "12", consent: true, consentText: wording })).status).toBe(400);
    const ok = await post({ name: "Dana Smith", phone: "(212) 555-0177", consent: true, consentText: wording });
    expect(ok.status).toBe(200);
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "hand-off text");
    expect(twilio.sent.find((m) => m.To === phone)!.Body).toMatch(/^Hi Dana, this is Acme Plumbing/);
    const contacts = await t.ctx.prisma.contact.findMany({
      where: { phone },
      include: { consents: true, conversations: { where: { status: "open" }, include: { messages: { orderBy: { createdAt: "asc" } } } } },
    });
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.name).toBe("Dana Smith");
    expect(contacts[0]!.consents.find((c) => c.basis === "webchat")?.wording).toBe(wording);
    const timeline = contacts[0]!.conversations[0]!.messages.map((m) => m.body);
    expect(timeline).toEqual(expect.arrayContaining(["earlier text", "can you text me?"]));
    expect(contacts[0]!.conversations[0]!.channel).toBe("sms");
    // the chat's lead and the earlier text's lead are one lead now, with both touches
    const leads = await t.ctx.prisma.lead.findMany({ where: { contactId: contacts[0]!.id }, include: { touches: true } });
    expect(leads).toHaveLength(1);
    expect(leads[0]!.channel).toBe("sms");
    expect(leads[0]!.touches.map((x) => x.channel).sort()).toEqual(["sms", "webchat"]);
  });
});

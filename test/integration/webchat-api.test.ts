import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { recordInboundMessage } from "../../src/inbox/record-inbound-message.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { openSse } from "../helpers/read-sse.ts";
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
  /** the client IP this visitor's requests come from (X-Forwarded-For through the trusted loopback proxy) */
  ip?: string;
}

// Per-IP limits would make tests depend on each other: each test that needs it gets its own address.
let lastIp = 0;
const nextIp = () => `203.0.113.${++lastIp}`;
const fromIp = (ip: string | undefined): Record<string, string> => (ip ? { "x-forwarded-for": ip } : {});

async function newSession(body: object = {}, origin = ORIGIN, ip?: string): Promise<Session> {
  const res = await fetch(`${t.url}/api/chat/acme-plumbing/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json", origin, ...fromIp(ip) },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  expect(res.headers.get("access-control-allow-origin")).toBe(origin);
  return { ...((await res.json()) as Session), ...(ip ? { ip } : {}) };
}
const say = (s: Session, text: string, clientId?: string, token = s.token) =>
  fetch(`${t.url}/api/chat/sessions/${s.sessionId}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, origin: ORIGIN, ...fromIp(s.ip) },
    body: JSON.stringify({ text, ...(clientId ? { clientId } : {}) }),
  });

type Ev = { id: string; author: string; text: string; clientId?: string };

/** reads SSE `message` events until `until` holds or `ms` runs out (a reply comes in well under a second) */
async function readEvents(s: Session, until: (events: Ev[]) => boolean, lastEventId?: string, ms = 8000) {
  const { res, sse } = await openSse(`${t.url}/api/chat/sessions/${s.sessionId}/events?token=${s.token}`, {
    ...(lastEventId ? { "last-event-id": lastEventId } : {}),
    ...fromIp(s.ip),
  });
  const messages = () => sse.events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data) as Ev);
  try {
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    await sse.waitUntil(() => until(messages()), ms);
    return messages();
  } finally {
    sse.close();
  }
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
});

// "Text me instead": anyone can type any number, so the number's owner must prove it before the
// chat and that number's history are joined (issue 8, item 7).
describe("text me instead", () => {
  const WORDING = "I agree to receive text messages from Acme Plumbing about my request. Msg & data rates may apply. Reply STOP to opt out.";
  const ACK = /^Thanks for reaching out/;
  const postJson = (s: Session, path: string, body: object) =>
    fetch(`${t.url}/api/chat/sessions/${s.sessionId}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${s.token}`, origin: ORIGIN, ...fromIp(s.ip) },
      body: JSON.stringify(body),
    });
  const textMe = (s: Session, phone: string, name = "Mallory Visitor") => postJson(s, "sms", { name, phone, consent: true, consentText: WORDING });
  const enterCode = (s: Session, code: string) => postJson(s, "sms/verify", { code });
  const sessionRow = (s: Session) => t.ctx.prisma.chatSession.findUniqueOrThrow({ where: { id: s.sessionId } });
  const contactOf = (phone: string) => t.ctx.prisma.contact.findFirst({ where: { phone } });
  const homeownerTexts = async (phone: string, body: string) => {
    expect((await t.post("/webhooks/twilio/sms", smsParams({ from: phone, to: ACME_NUMBER, body }))).status).toBe(200);
    return waitFor(() => t.ctx.prisma.message.findFirst({ where: { direction: "inbound", fromNumber: phone, body } }), `"${body}" recorded`);
  };
  const invitations = (phone: string) => twilio.sent.filter((m) => m.To === phone && /continue your website chat by text/.test(m.Body));
  async function invitationCode(phone: string): Promise<string> {
    const sms = await waitFor(() => invitations(phone).at(-1), `invitation to ${phone}`);
    return /code (\d{6})/.exec(sms.Body)![1]!;
  }
  /** a visitor with a chat going (their message and the acknowledgement), from an address of their own */
  async function chattingVisitor(text: string): Promise<Session> {
    const s = await newSession({}, ORIGIN, nextIp());
    expect((await say(s, text, "first")).status).toBe(202);
    await readEvents(s, (e) => e.some((x) => ACK.test(x.text)));
    return s;
  }
  async function homeownerWithHistory(phone: string, body: string) {
    await homeownerTexts(phone, body);
    await waitFor(() => twilio.sent.some((m) => m.To === phone && ACK.test(m.Body)), "acknowledgement of the homeowner's text");
    return (await contactOf(phone))!;
  }

  it("a visitor who types someone else's number gets no access to that homeowner's texts: one fixed invitation, nothing joined", async () => {
    const phone = "+12125550141";
    const homeowner = await homeownerWithHistory(phone, "The lockbox code is 4411");
    const s = await chattingVisitor("hi, can you text me?");
    // a stream open all along: before, during and after the invitation, and while the homeowner texts on
    const streaming = readEvents(s, () => false, undefined, 4000);
    await settle(300);
    const res = await textMe(s, "(212) 555-0141", "Mallory Visitor");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "code-sent", phone: "…0141", hint: expect.stringMatching(/STOP to \+15555550100, text START/) });
    const code = await invitationCode(phone);
    await homeownerTexts(phone, "Also the gate code is 9090");

    // the invitation: business name and code only, from the business number, one GSM-7 segment
    expect(invitations(phone)).toHaveLength(1);
    const invite = invitations(phone)[0]!;
    expect(invite.Body).toBe(`Acme Plumbing: to continue your website chat by text, enter code ${code} in the chat or reply with it. Reply STOP to opt out.`);
    expect(invite.Body).not.toMatch(/Mallory|Visitor/);
    expect(invite.From).toBe(ACME_NUMBER);

    const row = await sessionRow(s);
    expect(row).toMatchObject({ pendingPhone: phone, phoneVerifiedAt: null, smsHandoffAt: null, proofAttempts: 0 });
    expect(row.proofCodeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.proofCodeHash).not.toContain(code);
    // the chat is still its own contact; the typed name stays on it, not on the homeowner
    expect(row.contactId).not.toBe(homeowner.id);
    expect((await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: row.contactId } })).name).toBe("Mallory Visitor");
    expect((await contactOf(phone))!.name).toBeNull();
    // the invitation is the homeowner's own record, in their conversation, not in the chat's
    const stored = await t.ctx.prisma.message.findFirstOrThrow({ where: { purpose: "chat-invite", toNumber: phone } });
    expect(stored).toMatchObject({ contactId: homeowner.id, author: "system", encoding: "GSM-7", segments: 1 });
    expect(stored.conversationId).not.toBe(row.conversationId);
    expect(await t.ctx.prisma.message.count({ where: { conversationId: row.conversationId, channel: { in: ["sms", "mms"] } } })).toBe(0);
    expect(await t.ctx.prisma.consent.count({ where: { contactId: homeowner.id } })).toBe(0);

    const secret = /4411|9090|enter code/;
    const live = await streaming;
    expect(live.map((e) => e.author)).toEqual(["contact", "template"]);
    expect(live.filter((e) => secret.test(e.text))).toEqual([]);
    const replay = await readEvents(s, () => false, undefined, 1500);
    expect(replay.map((e) => e.text)).toEqual(["hi, can you text me?", expect.stringMatching(ACK)]);
  });

  it("an SMS that lands in the chat's own conversation is not shown before the proof, live or on replay", async () => {
    const s = await chattingVisitor("hello there");
    const row = await sessionRow(s);
    const streaming = readEvents(s, (e) => e.some((x) => x.text === "after the sms"));
    await settle(300);
    // e.g. a merge by e-mail address: whatever the route, SMS is not for an unproven chat
    await recordInboundMessage(t.ctx, {
      businessId: row.businessId,
      contact: { id: row.contactId },
      conversationId: row.conversationId,
      channel: "sms",
      body: "a text from somebody's phone",
      providerId: `SMtest${row.id}`,
      from: "+12125550142",
      to: ACME_NUMBER,
      at: t.clock.now(),
    });
    expect((await say(s, "after the sms", "second")).status).toBe(202);
    const live = await streaming;
    expect(live.map((e) => e.text)).toContain("after the sms");
    expect(live.map((e) => e.text)).not.toContain("a text from somebody's phone");
    const replay = await readEvents(s, (e) => e.some((x) => x.text === "after the sms"));
    expect(replay.map((e) => e.text)).not.toContain("a text from somebody's phone");
  });

  it("an opted-out number gets the same answer as any other number, and no text: nothing tells who is a customer", async () => {
    const phone = "+12125550143";
    await homeownerTexts(phone, "STOP");
    await waitFor(async () => (await contactOf(phone))?.optedOutAt, "opt-out");
    twilio.reset();
    const s = await chattingVisitor("text me please");
    const other = await chattingVisitor("text me too");
    const [res, fresh] = [await textMe(s, phone), await textMe(other, "+12125550149")];
    expect(res.status).toBe(200);
    const [body, freshBody] = [await res.json(), await fresh.json()];
    expect(Object.keys(body).sort()).toEqual(Object.keys(freshBody).sort());
    expect(body).toMatchObject({ status: "code-sent", phone: "…0143", hint: freshBody.hint });
    // a guessed code gets the answer a wrong code always gets
    const guess = await enterCode(s, "000000");
    expect(guess.status).toBe(400);
    expect(((await guess.json()) as { error: string }).error).toMatch(/not the code we texted \(4 tries left\)/);
    await settle(300);
    expect(twilio.attempts.filter((m) => m.To === phone)).toEqual([]); // no API call to that number, by any path
    expect(await t.ctx.prisma.message.count({ where: { purpose: "chat-invite", toNumber: phone } })).toBe(0);
    expect((await contactOf(phone))!.optedOutAt).not.toBeNull();
    expect((await sessionRow(s)).phoneVerifiedAt).toBeNull();
  });

  it("only the business's countries, and only inside texting hours at the number's place", async () => {
    const s = await chattingVisitor("text me abroad");
    const abroad = await textMe(s, "+447700900123");
    expect(abroad.status).toBe(400);
    expect(((await abroad.json()) as { error: string }).error).toBe("phone: we can only text numbers in US");
    // 02:00 in New York (07:00 UTC): a 212 number is asleep, so is a 907 (Alaska) one at 13:00 UTC (04:00 there)
    t.clock.set("2026-11-18T07:00:00Z");
    try {
      const late = await textMe(s, "+12125550148");
      expect(late.status).toBe(409);
      expect(((await late.json()) as { error: string }).error).toMatch(/outside texting hours/);
      t.clock.set("2026-11-18T13:00:00Z");
      expect((await textMe(s, "+19075550148")).status).toBe(409);
      expect((await textMe(s, "+12125550148")).status).toBe(200); // 08:00 in New York
    } finally {
      t.clock.set("2026-11-18T15:00:00Z");
    }
    await settle(200);
    expect(twilio.attempts.filter((m) => m.To === "+447700900123" || m.To === "+19075550148")).toEqual([]);
    // a "name" that is a link is not kept (names reach the agent, the Slack card and sequence texts)
    const linky = await chattingVisitor("text me");
    expect((await textMe(linky, "+12125550151", "claim at evil.example/refund")).status).toBe(200);
    expect((await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: (await sessionRow(linky)).contactId } })).name).toBeNull();
  });

  it("five wrong codes lock the code (also under parallel guessing): the right one, or a reply, no longer joins", async () => {
    const phone = "+12125550144";
    const s = await chattingVisitor("text me");
    expect((await textMe(s, phone)).status).toBe(200);
    const code = await invitationCode(phone);
    const wrong = code === "000000" ? "111111" : "000000";
    const first = await enterCode(s, wrong);
    expect(first.status).toBe(400);
    expect(((await first.json()) as { error: string }).error).toMatch(/4 tries left/);
    expect((await enterCode(s, "12ab")).status).toBe(400); // not a code: no try spent
    const rest = await Promise.all(Array.from({ length: 8 }, () => enterCode(s, wrong)));
    expect(rest.map((r) => r.status).sort()).toEqual([400, 400, 400, 429, 429, 429, 429, 429]);
    const right = await enterCode(s, code);
    expect(right.status).toBe(429);
    expect(((await right.json()) as { error: string }).error).toMatch(/too many wrong codes/);
    await homeownerTexts(phone, code);
    await settle(500);
    expect(await sessionRow(s)).toMatchObject({ phoneVerifiedAt: null, proofAttempts: 5, proofCodeHash: null });
  });

  it("the right code joins: consent on record, the conversation goes by SMS, and the joined history is on the stream", async () => {
    const phone = "+12125550177";
    const homeowner = await homeownerWithHistory(phone, "earlier text");
    const s = await chattingVisitor("can you text me?");
    const before = await sessionRow(s);
    expect((await textMe(s, phone, "")).status).toBe(400);
    expect((await postJson(s, "sms", { name: "Dana Smith", phone, consent: false, consentText: WORDING })).status).toBe(400);
    expect((await postJson(s, "sms", { name: "Dana Smith", phone: "12", consent: true, consentText: WORDING })).status).toBe(400);
    expect((await textMe(s, ACME_NUMBER)).status).toBe(400); // our own number
    expect((await enterCode(s, "123456")).status).toBe(409); // nothing asked for yet
    expect((await textMe(s, "(212) 555-0177", "Dana Smith")).status).toBe(200);
    const code = await invitationCode(phone);

    const streaming = readEvents(
      s,
      (e) => e.some((x) => x.text === "After the proof") && e.some((x) => x.text.startsWith("Thanks, that's confirmed")),
      undefined,
    );
    await settle(300);
    const ok = await enterCode(s, code);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "joined", phone: "…0177" });
    await homeownerTexts(phone, "After the proof");
    const live = await streaming;
    expect(live.map((e) => e.text)).toEqual(expect.arrayContaining(["Thanks, that's confirmed. We'll continue by text at …0177.", "After the proof"]));
    expect(live.find((e) => e.text.startsWith("Thanks, that's confirmed"))!.author).toBe("system");

    // one homeowner: the chat's contact merged into the number's, whose id stands
    const contacts = await t.ctx.prisma.contact.findMany({ where: { phone }, include: { consents: true } });
    expect(contacts.map((c) => c.id)).toEqual([homeowner.id]);
    expect(contacts[0]!.name).toBe("Dana Smith");
    expect(await t.ctx.prisma.contact.findUnique({ where: { id: before.contactId } })).toBeNull();
    expect(contacts[0]!.consents).toEqual([expect.objectContaining({ basis: "webchat", scope: "transactional", wording: WORDING, revokedAt: null })]);
    const row = await sessionRow(s);
    expect(row.phoneVerifiedAt).not.toBeNull();
    expect(row.smsHandoffAt).not.toBeNull();
    expect(row).toMatchObject({ contactId: homeowner.id, conversationId: before.conversationId, proofCodeHash: null });
    expect(JSON.stringify(row.attribution ?? {})).not.toContain(WORDING);
    // the chat's conversation continues, by SMS from the business number, with the number's earlier thread in it
    const conversation = await t.ctx.prisma.conversation.findUniqueOrThrow({
      where: { id: row.conversationId },
      include: { messages: { orderBy: { createdAt: "asc" } } },
    });
    expect(conversation).toMatchObject({ status: "open", channel: "sms", businessNumber: ACME_NUMBER, contactId: homeowner.id });
    expect(conversation.messages.map((m) => m.body)).toEqual(expect.arrayContaining(["earlier text", "can you text me?", "After the proof"]));
    expect(await t.ctx.prisma.conversation.count({ where: { contactId: homeowner.id, status: "open" } })).toBe(1);
    // the chat's lead and the earlier text's lead are one lead now, with both touches
    const leads = await t.ctx.prisma.lead.findMany({ where: { contactId: homeowner.id }, include: { touches: true } });
    expect(leads).toHaveLength(1);
    expect(leads[0]!.touches.map((x) => x.channel).sort()).toEqual(["sms", "webchat"]);

    // proven: a fresh stream shows the joined timeline, SMS included
    const replay = await readEvents(s, (e) => e.some((x) => x.text === "After the proof"));
    expect(replay.map((e) => e.text)).toEqual(
      expect.arrayContaining(["earlier text", "can you text me?", expect.stringMatching(/^Acme Plumbing: to continue your website chat/), "After the proof"]),
    );
    expect((await enterCode(s, code)).status).toBe(200); // idempotent
    expect((await textMe(s, "+12125550178")).status).toBe(409); // this chat already continues by text
  });

  it("the code texted back as the whole reply proves the number and joins the chat; a YES, even right after a campaign asked for one, does not", async () => {
    const phone = "+12125550145";
    const s = await chattingVisitor("please text me");
    expect((await textMe(s, phone, "Sam Replies")).status).toBe(200);
    const code = await invitationCode(phone);
    await homeownerTexts(phone, "YES"); // e.g. answering the business's own "Reply YES" campaign text
    await homeownerTexts(phone, `Yes! ${code}`); // the code inside a longer text is no proof either
    await settle(500);
    expect((await sessionRow(s)).phoneVerifiedAt).toBeNull();
    await homeownerTexts(phone, code);
    await waitFor(async () => (await sessionRow(s)).phoneVerifiedAt, "joined by the code texted back");
    const events = await readEvents(s, (e) => e.some((x) => /continue by text at …0145/.test(x.text)));
    expect(events.map((e) => e.text)).toEqual(expect.arrayContaining(["please text me", code]));
    const contact = (await contactOf(phone))!;
    expect(contact.name).toBe("Sam Replies");
    expect((await sessionRow(s)).contactId).toBe(contact.id);
    expect(await t.ctx.prisma.consent.count({ where: { contactId: contact.id, basis: "webchat" } })).toBe(1);
  });

  it("an ordinary text from the number proves nothing, a later YES neither; STOP cancels the invitation", async () => {
    const phone = "+12125550146";
    const s = await chattingVisitor("text me at this number");
    expect((await textMe(s, phone)).status).toBe(200);
    const code = await invitationCode(phone);
    await homeownerTexts(phone, "Who is this?");
    await homeownerTexts(phone, "yes"); // no longer an answer to the invitation
    await settle(500);
    expect((await sessionRow(s)).phoneVerifiedAt).toBeNull();
    await homeownerTexts(phone, "STOP");
    await waitFor(async () => (await contactOf(phone))?.optedOutAt, "opt-out");
    const res = await enterCode(s, code);
    expect(res.status).toBe(409);
    expect(await sessionRow(s)).toMatchObject({ phoneVerifiedAt: null, pendingPhone: null, proofCodeHash: null });
    const replay = await readEvents(s, () => false, undefined, 1500);
    expect(replay.map((e) => e.text)).toEqual(["text me at this number", expect.stringMatching(ACK)]);
  });

  it("two chats waiting on one number: a YES joins neither, the code decides, and the other chat is void", async () => {
    const phone = "+12125550147";
    const mallory = await chattingVisitor("text me (not my number)");
    const owner = await chattingVisitor("text me (my number)");
    expect((await textMe(mallory, phone)).status).toBe(200);
    await invitationCode(phone);
    expect((await textMe(owner, phone, "Olive Owner")).status).toBe(200);
    const ownersCode = await invitationCode(phone);
    await homeownerTexts(phone, "YES");
    await settle(500);
    expect((await sessionRow(mallory)).phoneVerifiedAt).toBeNull();
    expect((await sessionRow(owner)).phoneVerifiedAt).toBeNull();
    await homeownerTexts(phone, `${ownersCode}`);
    await waitFor(async () => (await sessionRow(owner)).phoneVerifiedAt, "the owner's chat joined by its code");
    expect(await sessionRow(mallory)).toMatchObject({ phoneVerifiedAt: null, pendingPhone: null, proofCodeHash: null });
  });

  it("is rate-limited per session (3/h), per number (3/day) and per IP (10/h), with Retry-After", async () => {
    const s = await chattingVisitor("rate me");
    const perSession: Response[] = [];
    for (let i = 0; i < 4; i++) perSession.push(await textMe(s, `+1212555020${i}`));
    expect(perSession.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(Number(perSession[3]!.headers.get("retry-after"))).toBeGreaterThan(0);

    const target = "+12125550210";
    const perNumber: Response[] = [];
    for (let i = 0; i < 4; i++) perNumber.push(await textMe(await newSession({}, ORIGIN, nextIp()), target));
    expect(perNumber.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(Number(perNumber[3]!.headers.get("retry-after"))).toBeGreaterThan(3600);
    await waitFor(() => invitations(target).length === 3, "three invitations");

    const ip = nextIp();
    const sessions = await Promise.all(Array.from({ length: 4 }, () => newSession({}, ORIGIN, ip)));
    const perIp: number[] = [];
    for (let i = 0; i < 11; i++) perIp.push((await textMe(sessions[Math.floor(i / 3)]!, `+121255503${String(i).padStart(2, "0")}`)).status);
    expect(perIp).toEqual([...Array(10).fill(200), 429]);
    await settle(300);
    expect(invitations(target)).toHaveLength(3);
  });

  it("counts an IPv6 client by its /64, a number across every business, and holds a business's daily cap", async () => {
    // eleven addresses of one /64 are one client
    const v6: number[] = [];
    for (let i = 0; i < 11; i++) {
      const s = await newSession({}, ORIGIN, `2001:db8:77:1::${(i + 1).toString(16)}`);
      v6.push((await textMe(s, `+121255504${String(i).padStart(2, "0")}`)).status);
    }
    expect(v6).toEqual([...Array(10).fill(200), 429]);

    // another business on this server cannot text a number this one already invited three times today
    const target = "+12125550220";
    for (let i = 0; i < 3; i++) expect((await textMe(await newSession({}, ORIGIN, nextIp()), target)).status).toBe(200);
    await t.apply(
      acmeProfile({
        slug: "other-plumbing",
        name: "Other Plumbing",
        phoneNumbers: ["+15555550111"],
        numberSources: {},
        webchat: { allowedOrigins: [ORIGIN], maxInvitationsPerDay: 2 },
      }),
    );
    const otherSession = async () => {
      const res = await fetch(`${t.url}/api/chat/other-plumbing/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, ...fromIp(nextIp()) },
        body: "{}",
      });
      return { ...((await res.json()) as Session), ip: nextIp() };
    };
    expect((await textMe(await otherSession(), target)).status).toBe(429);
    // its own cap: two a day, whoever asks
    const capped: number[] = [];
    for (let i = 0; i < 3; i++) capped.push((await textMe(await otherSession(), `+121255505${i}0`)).status);
    expect(capped).toEqual([200, 200, 429]);
  });
});

describe("event stream limits", () => {
  // closed through the SSE helper, which cancels the body as well as aborting: an abort alone on a
  // body nobody reads left the server's socket open for seconds under load (logged both ends: the
  // server saw the close only when the test's finally closed everything, 10 s later)
  const openStream = async (s: Session) => {
    const { res, sse } = await openSse(`${t.url}/api/chat/sessions/${s.sessionId}/events?token=${s.token}`, fromIp(s.ip));
    return { res, close: () => sse.close() };
  };

  it("caps streams per session (3) and per IP (20) with a 429; idle streams hold no database connection", async () => {
    const ip = nextIp();
    const a = await newSession({}, ORIGIN, ip);
    const held: Awaited<ReturnType<typeof openStream>>[] = [];
    try {
      for (let i = 0; i < 3; i++) held.push(await openStream(a));
      expect(held.map((h) => h.res.status)).toEqual([200, 200, 200]);
      const fourth = await openStream(a);
      expect(fourth.res.status).toBe(429);
      expect(fourth.res.headers.get("retry-after")).toMatch(/^\d+$/);

      const others = await Promise.all(Array.from({ length: 6 }, () => newSession({}, ORIGIN, ip)));
      for (let i = 0; i < 17; i++) held.push(await openStream(others[i % 6]!));
      expect(held.every((h) => h.res.status === 200)).toBe(true);
      const overIp = await openStream(others[5]!); // its session has room; its IP has not
      expect(overIp.res.status).toBe(429);

      // more open streams than the database pool has connections (20), and the service still answers
      const elsewhere = await Promise.all(Array.from({ length: 2 }, () => newSession({}, ORIGIN, nextIp())));
      for (const s of elsewhere) for (let i = 0; i < 3; i++) held.push(await openStream(s));
      expect(held.length).toBeGreaterThan(20);
      expect(held.every((h) => h.res.status === 200)).toBe(true);
      const started = Date.now();
      const fresh = await newSession({}, ORIGIN, nextIp());
      expect((await say(fresh, "still there?", "q1")).status).toBe(202);
      const events = await readEvents(fresh, (e) => e.some((x) => x.author === "template"));
      expect(events.map((e) => e.author)).toEqual(["contact", "template"]);
      expect(Date.now() - started).toBeLessThan(5000);

      // a closed stream frees its slot
      held.shift()!.close();
      const seen: number[] = []; // the statuses of the tries, in the failure message if it comes to that
      await waitFor(async () => {
        const again = await openStream(a);
        seen.push(again.res.status);
        if (again.res.status === 200) held.push(again);
        else again.close();
        return again.res.status === 200;
      }, "a free slot after a close").catch((e: Error) => {
        throw new Error(`${e.message}; statuses seen: ${seen.join(",")}; open streams: ${held.length}`);
      });
    } finally {
      for (const h of held) h.close();
    }
  });
});

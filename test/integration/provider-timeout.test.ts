// Issue 8 item 4: a provider timeout is an unknown outcome. Reconcile with Twilio's Messages list
// before anything else: adopt what Twilio has, resend only when it certainly has nothing, otherwise
// mark the row `unknown` and tell the office. Never a double text.
import { createServer, type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTwilioFake, TWILIO_ERRORS, type FakeListFailure, type SentSms } from "../fakes/twilio-api.ts";
import { ACCOUNT_SID } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, TWILIO_TOKEN, type TestLeadline } from "../helpers/test-leadline.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";
import { sendMessage } from "../../src/messaging/send-message.ts";
import { outcomeOfNetworkError, ProviderError, type SmsProvider } from "../../src/messaging/providers/sms-provider.ts";
import { createTwilioProvider } from "../../src/messaging/providers/twilio-provider.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

const TIMEOUT_MS = 300;
const twilioAt = (baseUrl: string) =>
  createTwilioProvider({ accountSid: ACCOUNT_SID, authToken: TWILIO_TOKEN, baseUrl, timeoutMs: TIMEOUT_MS, reconcileDelayMs: 0 });
const real = twilioAt("https://api.twilio.com");

/** a loopback port nobody listens on: connecting is refused before anything is sent */
async function refusedBaseUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  return `http://127.0.0.1:${port}`;
}

// The app's provider: the real Twilio provider (short timeout), except that a test may route the
// next sends through another one (a Twilio whose host refuses connections).
const sendVia: SmsProvider[] = [];
const provider: SmsProvider = {
  name: "twilio",
  send: (m) => (sendVia.shift() ?? real).send(m),
  findSent: (q) => real.findSent(q),
};

let t: TestLeadline;
let businessId: string;
beforeAll(async () => {
  t = await startTestLeadline({ provider });
  twilio.useClock(() => t.clock.now()); // Twilio's clock is the app's, as in production
  businessId = await t.apply(acmeProfile());
});
afterAll(() => t.close());
afterEach(() => {
  twilio.reset();
  sendVia.length = 0;
});

let n = 0;
const nextPhone = () => `+1718556${String(1000 + ++n).padStart(4, "0")}`;

async function send(body = "Your plumber is on the way") {
  const phone = nextPhone();
  const contact = await t.ctx.prisma.contact.create({ data: { businessId, phone, createdAt: t.clock.now() } });
  const conversation = await t.ctx.prisma.conversation.create({
    data: { businessId, contactId: contact.id, businessNumber: ACME_NUMBER, createdAt: t.clock.now() },
  });
  const msg = await sendMessage(t.ctx, {
    businessId,
    conversationId: conversation.id,
    contactId: contact.id,
    to: phone,
    from: ACME_NUMBER,
    body,
    purpose: "reply",
    kind: "person",
    authorName: "Dana",
    origin: "console",
    replyToAt: t.clock.now(),
  });
  return { phone, msg, conversation };
}
const row = (id: string) => t.ctx.prisma.message.findUniqueOrThrow({ where: { id } });
const statusIs = (id: string, s: string) => waitFor(async () => ((await row(id)).status === s ? true : undefined), `status ${s}`);
const texts = (phone: string) => twilio.sent.filter((m) => m.To === phone);
const creates = (phone: string) => twilio.attempts.filter((m) => m.To === phone);
const lookups = (phone: string) => twilio.lookups.filter((q) => q.get("To") === phone);
const alerts = (messageId: string) => t.ctx.prisma.alert.findMany({ where: { dedupeKey: `send-unknown-${messageId}` } });
const statusEvents = async (messageId: string) =>
  (
    await t.ctx.sql<{ status: string }>(
      `SELECT "payload"->>'status' AS "status" FROM "DomainEvent" WHERE "type" = 'message.status' AND "payload"->>'messageId' = $1 ORDER BY "seq"`,
      [messageId],
    )
  ).map((e) => e.status);

describe("a send whose answer never came", () => {
  it.each(["accept-then-hang", "accept-then-drop"] as const)("%s: Twilio has it, so its SID is adopted and exactly one text goes out", async (failure) => {
    twilio.failNext(failure);
    const { msg, phone } = await send();
    await statusIs(msg.id, "sent");
    const r = await row(msg.id);
    expect(texts(phone)).toHaveLength(1);
    expect(r.providerId).toBe(texts(phone)[0]!.sid);
    expect(r.attempts).toBe(1);
    expect(r.sentAt).not.toBeNull();
    // the lookup Twilio got: recipient, sender, page size (no DateSent: it hides queued messages)
    expect(lookups(phone).map((q) => Object.fromEntries(q))).toEqual([{ To: phone, From: ACME_NUMBER, PageSize: "50" }]);
    expect(await statusEvents(msg.id)).toEqual(["sent"]);
    await settle();
    expect(creates(phone)).toHaveLength(1);
    expect(await alerts(msg.id)).toHaveLength(0);
  });

  it("a hang before Twilio took it: the list says absent, so it is resent once (one text in all)", async () => {
    twilio.failNext("hang");
    const { msg, phone } = await send();
    await statusIs(msg.id, "accepted");
    const r = await row(msg.id);
    expect(creates(phone)).toHaveLength(2);
    expect(texts(phone)).toHaveLength(1);
    expect(r.providerId).toBe(texts(phone)[0]!.sid);
    expect(r.attempts).toBe(2);
    expect(lookups(phone)).toHaveLength(1);
    await settle();
    expect(texts(phone)).toHaveLength(1);
    expect(await alerts(msg.id)).toHaveLength(0);
  });

  it.each<[string, FakeListFailure]>([
    ["a 500", TWILIO_ERRORS.serverError],
    ["a hang", "hang"],
    ["a dropped connection", "network"],
  ])("the lookup fails too (%s): the row is unknown, the office is alerted, nothing is resent", async (_, listFailure) => {
    twilio.failNext("accept-then-hang");
    twilio.failListNext(listFailure);
    const { msg, phone, conversation } = await send();
    await statusIs(msg.id, "unknown");
    const r = await row(msg.id);
    expect(r.errorCode).toBe("outcome-unknown");
    expect(r.providerId).toBeNull();
    const [alert, ...more] = await waitFor(async () => ((await alerts(msg.id)).length ? alerts(msg.id) : undefined), "the alert");
    expect(more).toHaveLength(0);
    expect(alert).toMatchObject({ businessId, kind: "send-unknown", subject: conversation.id, payload: { messageId: msg.id } });
    expect(alert!.message).toBe(`Text to …${phone.slice(-4)} may or may not have gone out (Twilio timed out); not resent`);
    expect(await statusEvents(msg.id)).toEqual(["unknown"]);
    await settle();
    expect(creates(phone)).toHaveLength(1);
    expect((await row(msg.id)).status).toBe("unknown");
  });

  it("connection refused is certainly not sent: a plain retry, no lookup", async () => {
    sendVia.push(twilioAt(await refusedBaseUrl()));
    const { msg, phone } = await send();
    await statusIs(msg.id, "accepted");
    const r = await row(msg.id);
    expect(r.attempts).toBe(2);
    expect(texts(phone)).toHaveLength(1);
    expect(r.providerId).toBe(texts(phone)[0]!.sid);
    expect(lookups(phone)).toHaveLength(0);
  });
});

describe("the Twilio provider", () => {
  const to = "+17185559999";
  const seed = (bodies: string[], at: Date) => {
    for (const body of bodies) {
      const sid = "SM" + Math.random().toString(16).slice(2).padEnd(32, "0");
      const m: SentSms = {
        accountSid: ACCOUNT_SID,
        To: to,
        From: ACME_NUMBER,
        Body: body,
        StatusCallback: null,
        MediaUrl: [],
        sid,
        dateCreated: at,
        status: "delivered",
      };
      twilio.sent.push(m);
    }
  };

  it("classifies failures: refused is retryable, a timeout or a drop is unknown, a 4xx rejected", async () => {
    for (const code of ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]) expect([code, outcomeOfNetworkError(code)]).toEqual([code, "retryable"]);
    for (const code of ["ECONNABORTED", "ETIMEDOUT", "ECONNRESET", "EPIPE", undefined]) expect([code, outcomeOfNetworkError(code)]).toEqual([code, "unknown"]);
    const refused = await twilioAt(await refusedBaseUrl())
      .send({ to, from: ACME_NUMBER, body: "x" })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ outcome: "retryable", code: "ECONNREFUSED", httpStatus: undefined });

    twilio.failNext("hang", "network", TWILIO_ERRORS.invalidTo, TWILIO_ERRORS.serverError);
    const timedOut = await real.send({ to, from: ACME_NUMBER, body: "x" }).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ outcome: "unknown", code: "ECONNABORTED" });
    expect(await real.send({ to, from: ACME_NUMBER, body: "x" }).catch((e: unknown) => e)).toMatchObject({ outcome: "unknown" });
    expect(await real.send({ to, from: ACME_NUMBER, body: "x" }).catch((e: unknown) => e)).toMatchObject({ outcome: "rejected", code: "21211" });
    expect(await real.send({ to, from: ACME_NUMBER, body: "x" }).catch((e: unknown) => e)).toMatchObject({ outcome: "retryable", httpStatus: 500 });
  });

  it("findSent follows next_page_uri, skips ids other rows own and messages before `since`", async () => {
    const since = new Date("2026-11-18T15:00:00Z");
    seed(["target"], new Date(since.getTime() + 1000)); // the oldest: on page 2 after 60 newer ones
    seed(
      Array.from({ length: 60 }, (_, i) => `other ${i}`),
      new Date(since.getTime() + 2000),
    );
    const target = twilio.sent[0]!;
    expect(await real.findSent({ to, from: ACME_NUMBER, body: "target", since })).toEqual({ providerId: target.sid, status: "delivered" });
    expect(twilio.lookups.map((q) => q.get("Page"))).toEqual([null, "1"]);
    expect(await real.findSent({ to, from: ACME_NUMBER, body: "target", since, exclude: [target.sid] })).toBe("absent");
    expect(await real.findSent({ to, from: ACME_NUMBER, body: "target", since: new Date(since.getTime() + 1500) })).toBe("absent");
    expect(await real.findSent({ to: "+17185550000", from: ACME_NUMBER, body: "target", since })).toBe("absent");
  });

  it("findSent cannot tell when the history is longer than it reads, or the list fails", async () => {
    const since = new Date("2026-11-18T15:00:00Z");
    seed(
      Array.from({ length: 151 }, (_, i) => `other ${i}`),
      since,
    );
    expect(await real.findSent({ to, from: ACME_NUMBER, body: "target", since })).toBe("cannot-tell");
    twilio.failListNext(TWILIO_ERRORS.tooMany);
    expect(await real.findSent({ to, from: ACME_NUMBER, body: "other 0", since })).toBe("cannot-tell");
  });

  it("the list answers in Twilio's shape", async () => {
    seed(["hello"], new Date("2026-11-18T15:00:00Z"));
    const res = await fetch(`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json?To=${encodeURIComponent(to)}&PageSize=20`);
    const page = (await res.json()) as Record<string, unknown> & { messages: Record<string, unknown>[] };
    expect(page).toMatchObject({ page: 0, page_size: 20, start: 0, end: 0, next_page_uri: null, previous_page_uri: null });
    expect(page.first_page_uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json?To=%2B17185559999&PageSize=20&Page=0`);
    expect(page.messages[0]).toMatchObject({
      to,
      from: ACME_NUMBER,
      body: "hello",
      status: "delivered",
      direction: "outbound-api",
      num_segments: "1",
      date_created: "Wed, 18 Nov 2026 15:00:00 +0000",
      date_sent: "Wed, 18 Nov 2026 15:00:00 +0000",
    });
  });
});

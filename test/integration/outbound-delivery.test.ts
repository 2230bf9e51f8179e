import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTwilioFake, TWILIO_ERRORS } from "../fakes/twilio-api.ts";
import { ACCOUNT_SID, smsParams, statusParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, acmeProfile, deleteRedisPrefix, startTestLeadline, TWILIO_TOKEN, type TestLeadline } from "../helpers/test-leadline.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";
import { sendMessage } from "../../src/messaging/send-message.ts";
import { deliverMessage, SEND_SETTLES_MS } from "../../src/messaging/deliver-message.ts";
import { sweepInbound } from "../../src/inbox/sweep-inbound.ts";
import { MAX_EVENT_ATTEMPTS } from "../../src/jobs/job-defs.ts";
import { sweepOutbound } from "../../src/messaging/sweep-outbound.ts";
import { createTwilioProvider } from "../../src/messaging/providers/twilio-provider.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

let t: TestLeadline;
let businessId: string;
beforeAll(async () => {
  // a dropped connection is an unknown outcome, looked up before resending: no settle wait here
  const provider = createTwilioProvider({ accountSid: ACCOUNT_SID, authToken: TWILIO_TOKEN, baseUrl: "https://api.twilio.com", reconcileDelayMs: 0 });
  t = await startTestLeadline({ provider });
  businessId = await t.apply(acmeProfile({ templates: { acknowledgement: "Thanks — we’ll text you back… shortly!" } }));
});
afterAll(() => t.close());
afterEach(() => twilio.reset());

let n = 0;
const nextPhone = () => `+1718555${String(1000 + ++n).padStart(4, "0")}`;

/** a contact with an open conversation, ready to be texted */
async function contactWithConversation() {
  const phone = nextPhone();
  const contact = await t.ctx.prisma.contact.create({ data: { businessId, phone, createdAt: t.clock.now() } });
  const conversation = await t.ctx.prisma.conversation.create({
    data: { businessId, contactId: contact.id, businessNumber: ACME_NUMBER, createdAt: t.clock.now() },
  });
  return { phone, contact, conversation };
}

/** a dispatcher's reply from the console to that contact, as `sendMessage` takes it */
const replyTo = (c: Awaited<ReturnType<typeof contactWithConversation>>, body = "Your plumber is on the way") =>
  ({
    businessId,
    conversationId: c.conversation.id,
    contactId: c.contact.id,
    to: c.phone,
    from: ACME_NUMBER,
    body,
    purpose: "reply",
    kind: "person",
    authorName: "Dana",
    origin: "console",
    replyToAt: t.clock.now(),
  }) as const;

async function send(body = "Your plumber is on the way", dedupeKey?: string) {
  const c = await contactWithConversation();
  const msg = await sendMessage(t.ctx, { ...replyTo(c, body), ...(dedupeKey ? { dedupeKey } : {}) });
  return { ...c, msg };
}
const row = (id: string) => t.ctx.prisma.message.findUniqueOrThrow({ where: { id } });
const statusIs = (id: string, s: string) => waitFor(async () => ((await row(id)).status === s ? true : undefined), `status ${s}`);

describe("the one door out", () => {
  it("writes the row queued before the provider call, then marks it accepted with Twilio's sid", async () => {
    const { msg, phone } = await send();
    expect(msg.status).toBe("queued");
    await statusIs(msg.id, "accepted");
    const r = await row(msg.id);
    const sent = twilio.sent.find((m) => m.To === phone)!;
    expect(r.providerId).toBe(sent.sid);
    expect(sent.StatusCallback).toBe(`https://leadline.test/webhooks/twilio/status?m=${msg.id}`);
    expect(r.segments).toBe(1);
    expect(r.encoding).toBe("GSM-7");
  });

  it("normalises smart punctuation to GSM-7 and stores the segment count", async () => {
    const { msg, phone } = await send("We’re on our way — see you soon… “Sam”");
    await statusIs(msg.id, "accepted");
    expect(twilio.sent.find((m) => m.To === phone)!.Body).toBe(`We're on our way - see you soon... "Sam"`);
    const r = await row(msg.id);
    expect(r.encoding).toBe("GSM-7");
    expect(r.segments).toBe(1);
  });

  it("a dedupe key makes the same logical send one message", async () => {
    const a = await send("once", "dedupe-test-1");
    const again = await sendMessage(t.ctx, {
      businessId,
      conversationId: a.conversation.id,
      contactId: a.contact.id,
      to: a.phone,
      from: ACME_NUMBER,
      body: "once",
      purpose: "reply",
      kind: "person",
      authorName: "Dana",
      origin: "console",
      replyToAt: t.clock.now(),
      dedupeKey: "dedupe-test-1",
    });
    expect(again).toEqual({ id: a.msg.id, status: expect.any(String), created: false });
    await statusIs(a.msg.id, "accepted");
    await settle();
    expect(twilio.attempts.filter((m) => m.To === a.phone)).toHaveLength(1);
  });

  it.each([
    ["429", TWILIO_ERRORS.tooMany],
    ["500", TWILIO_ERRORS.serverError],
    ["a connection dropped before Twilio took it (looked up: absent)", "network" as const],
  ])("%s is retried with backoff until it goes through, and is sent once", async (_, failure) => {
    twilio.failNext(failure, failure);
    const { msg, phone } = await send();
    await statusIs(msg.id, "accepted");
    expect(twilio.attempts.filter((m) => m.To === phone)).toHaveLength(3);
    expect(twilio.sent.filter((m) => m.To === phone)).toHaveLength(1);
    expect((await row(msg.id)).attempts).toBe(3);
    expect(twilio.lookups.filter((q) => q.get("To") === phone)).toHaveLength(failure === "network" ? 2 : 0);
  });

  it("another 4xx fails the message with Twilio's code and is not retried", async () => {
    twilio.failNext(TWILIO_ERRORS.invalidTo);
    const { msg, phone } = await send();
    await statusIs(msg.id, "failed");
    expect((await row(msg.id)).errorCode).toBe("21211");
    await settle();
    expect(twilio.attempts.filter((m) => m.To === phone)).toHaveLength(1);
  });

  it("21610 on send opts the contact out; a later send makes no API call", async () => {
    twilio.failNext(TWILIO_ERRORS.unsubscribed);
    const { msg, phone, contact, conversation } = await send();
    await statusIs(msg.id, "failed");
    expect((await row(msg.id)).errorCode).toBe("21610");
    const c = await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: contact.id } });
    expect(c.optedOutAt).not.toBeNull();
    expect(await t.ctx.prisma.optOutEvent.count({ where: { contactId: contact.id, reason: "carrier-21610" } })).toBe(1);
    const later = await sendMessage(t.ctx, {
      businessId,
      conversationId: conversation.id,
      contactId: contact.id,
      to: phone,
      from: ACME_NUMBER,
      body: "hello?",
      purpose: "reply",
      kind: "person",
      authorName: "Dana",
      origin: "console",
      replyToAt: t.clock.now(),
    });
    expect(later.status).toBe("blocked");
    await settle();
    expect(twilio.attempts.filter((m) => m.To === phone)).toHaveLength(1);
  });

  it("the same send asked for again while the first is still at Twilio waits for it: one text, no lookup", async () => {
    // the first call is held until the second trigger has run its course, and Twilio lists a message
    // only once it has answered (as a slow create does): a lookup meanwhile would find nothing and
    // send the text a second time
    let release!: () => void;
    twilio.failNext({ release: new Promise<void>((r) => (release = r)) });
    const c = await contactWithConversation();
    const phone = c.phone;
    const input = { ...replyTo(c), dedupeKey: `live-${phone}`, immediate: true };
    const first = sendMessage(t.ctx, input);
    await waitFor(() => twilio.attempts.some((m) => m.To === phone) || undefined, "the first call at Twilio");
    // a second trigger of the same send (the dial-status after the voice webhook, a job run again)
    const again = await sendMessage(t.ctx, input);
    expect(again).toMatchObject({ created: false, status: "sending" });
    // its delivery job has run: put off until the first send has settled (without the wait it looked
    // the text up, found nothing, and sent it again)
    const state = async () => (await Promise.all(t.ctx.queues.all.map((q) => q.getJobState(again.id)))).find((s) => s !== "unknown");
    const ran = await waitFor(async () => {
      const s = await state();
      return s && s !== "waiting" && s !== "active" ? s : undefined;
    }, "the delivery job run");
    expect(ran).toBe("delayed");
    release();
    expect((await first).handedToProvider).toBe(true);
    expect(twilio.attempts.filter((m) => m.To === phone)).toHaveLength(1);
    expect(twilio.lookups.filter((q) => q.get("To") === phone)).toEqual([]);
    expect((await t.ctx.prisma.message.findFirstOrThrow({ where: { dedupeKey: input.dedupeKey } })).status).toBe("accepted");
  });

  it("Postgres failing right after Twilio took the text leaves it `sending`, found and adopted later: never sent twice", async () => {
    const c = await contactWithConversation();
    const phone = c.phone;
    const sql = t.ctx.sql;
    let failed = false;
    // the one write that records Twilio's answer fails (a dropped connection); everything else goes through
    t.ctx.sql = (async (text: string, values: unknown[], name?: string) => {
      if (!failed && text.includes('"providerId" =') && text.includes('"sentAt" =')) {
        failed = true;
        throw new Error("Connection terminated unexpectedly");
      }
      return sql(text, values, name);
    }) as typeof sql;
    let id: string;
    try {
      const msg = await sendMessage(t.ctx, { ...replyTo(c), immediate: true });
      id = msg.id;
      expect(failed).toBe(true);
      // put back in the queue, it would be sent again: it stays `sending`, for a lookup to settle
      expect((await row(id)).status).toBe("sending");
    } finally {
      t.ctx.sql = sql;
    }
    // its next run, once a live send would have settled, finds it at Twilio and adopts it
    const before = t.clock.now();
    t.clock.set(new Date(before.getTime() + SEND_SETTLES_MS + 1000).toISOString());
    try {
      expect(await deliverMessage(t.ctx, id, { lastAttempt: false })).toEqual({ kind: "done", status: "sent" });
    } finally {
      t.clock.set(before.toISOString());
    }
    expect(await row(id)).toMatchObject({ status: "sent", providerId: twilio.sent.find((m) => m.To === phone)?.sid });
    await settle();
    expect(twilio.attempts.filter((m) => m.To === phone)).toHaveLength(1);
  });

  /** a row a worker claimed (`sending`) and then died with, before hearing back from Twilio (longer ago than a live send lasts) */
  async function cutOff(body: string) {
    const { contact, conversation, phone } = await contactWithConversation();
    const m = await t.ctx.prisma.message.create({
      data: {
        businessId,
        conversationId: conversation.id,
        contactId: contact.id,
        direction: "outbound",
        channel: "sms",
        author: "human",
        body,
        status: "sending",
        fromNumber: ACME_NUMBER,
        toNumber: phone,
        attemptedAt: new Date(t.clock.now().getTime() - SEND_SETTLES_MS - 1000),
        createdAt: t.clock.now(),
      },
    });
    return { m, phone, conversation };
  }

  it("a crash between claiming and hearing back: Twilio is asked, and a text it does not have is sent, once", async () => {
    const { m, phone } = await cutOff("x");
    const outcome = await deliverMessage(t.ctx, m.id, { lastAttempt: false });
    expect(outcome).toEqual({ kind: "done", status: "accepted" });
    expect(twilio.lookups.length).toBeGreaterThan(0);
    expect(twilio.attempts.filter((x) => x.To === phone)).toHaveLength(1);
    expect(await deliverMessage(t.ctx, m.id, { lastAttempt: false })).toEqual({ kind: "skip", reason: "already accepted" });
    expect(twilio.attempts.filter((x) => x.To === phone)).toHaveLength(1);
  });

  it("a crash after Twilio took the text: found in its records and adopted, never resent", async () => {
    const { m, phone } = await cutOff("already out");
    const sid = `SM${"ab".repeat(16)}`;
    twilio.sent.push({
      accountSid: ACCOUNT_SID,
      To: phone,
      From: ACME_NUMBER,
      Body: "already out",
      StatusCallback: null,
      MediaUrl: [],
      sid,
      dateCreated: new Date(),
      status: "delivered",
    });
    expect(await deliverMessage(t.ctx, m.id, { lastAttempt: false })).toEqual({ kind: "done", status: "delivered" });
    expect(await row(m.id)).toMatchObject({ status: "delivered", providerId: sid });
    expect(twilio.attempts.filter((x) => x.To === phone)).toHaveLength(0);
  });

  it("a crash Twilio cannot tell about (its list fails) is left unknown, never resent, and the office is told", async () => {
    const { m, phone } = await cutOff("x");
    twilio.failListNext(TWILIO_ERRORS.serverError);
    const outcome = await deliverMessage(t.ctx, m.id, { lastAttempt: false });
    expect(outcome).toEqual({ kind: "done", status: "unknown" });
    expect((await row(m.id)).status).toBe("unknown");
    expect(twilio.attempts.filter((x) => x.To === phone)).toHaveLength(0);
    const alerts = await t.ctx.prisma.alert.findMany({ where: { dedupeKey: `send-unknown-${m.id}` } });
    expect(alerts.map((a) => [a.kind, a.message])).toEqual([
      ["send-unknown", `Text to …${phone.slice(-4)} may or may not have gone out (the send was cut off mid-call); not resent`],
    ]);
  });

  it("the sweeper hands sends stuck in 'sending' (their job gone too) back to delivery, which asks Twilio first", async () => {
    const { m, phone } = await cutOff("x");
    // the sweep runs five minutes on; delivery then runs at the test's own (daytime) clock again
    const before = t.clock.now();
    t.clock.set(new Date(before.getTime() + 5 * 60_000).toISOString());
    try {
      expect((await sweepOutbound(t.ctx)).cutOff).toBeGreaterThanOrEqual(1);
    } finally {
      t.clock.set(before.toISOString());
    }
    await statusIs(m.id, "accepted");
    expect(twilio.attempts.filter((x) => x.To === phone)).toHaveLength(1);
  });
});

describe("status callbacks", () => {
  async function callback(id: string, phone: string, sid: string, status: string, errorCode?: string) {
    const res = await t.post(
      `/webhooks/twilio/status?m=${id}`,
      statusParams({ messageSid: sid, status, from: ACME_NUMBER, to: phone, ...(errorCode ? { errorCode } : {}) }),
    );
    expect(res.status).toBe(204);
    await waitFor(
      async () => (await t.ctx.prisma.inboundEvent.findFirst({ where: { externalId: `status-${sid}-${status}` } }))?.status === "processed",
      `${status} processed`,
    );
  }

  it("statuses only move forward: a late 'sent' never undoes 'delivered'", async () => {
    const { msg, phone } = await send();
    await statusIs(msg.id, "accepted");
    const sid = (await row(msg.id)).providerId!;
    await callback(msg.id, phone, sid, "delivered");
    await callback(msg.id, phone, sid, "sent");
    await callback(msg.id, phone, sid, "queued");
    expect((await row(msg.id)).status).toBe("delivered");
  });

  it("a callback that beats the API response still matches by the id in its URL", async () => {
    twilio.failNext("slow");
    const { msg, phone } = await send();
    await waitFor(() => twilio.attempts.some((m) => m.To === phone), "request in flight");
    await callback(msg.id, phone, "SM" + "c".repeat(32), "sent");
    const r = await row(msg.id);
    expect(r.status).toBe("sent");
    expect(r.providerId).toBe("SM" + "c".repeat(32));
    // the API answer arriving afterwards does not move it back
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "API answered");
    await settle(200);
    expect((await row(msg.id)).status).toBe("sent");
  });

  it("an undelivered callback with 21610 opts the contact out", async () => {
    const { msg, phone, contact } = await send();
    await statusIs(msg.id, "accepted");
    const sid = (await row(msg.id)).providerId!;
    await callback(msg.id, phone, sid, "undelivered", "21610");
    const r = await row(msg.id);
    expect([r.status, r.errorCode]).toEqual(["undelivered", "21610"]);
    expect((await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: contact.id } })).optedOutAt).not.toBeNull();
  });

  it("a malformed status callback is a 400", async () => {
    const res = await t.post(
      "/webhooks/twilio/status?m=abc",
      statusParams({ messageSid: "SM" + "d".repeat(32), status: "delivered", from: ACME_NUMBER, to: "+12125550000" }),
    );
    expect(res.status).toBe(400);
    const bad = await t.post("/webhooks/twilio/status", {
      ...statusParams({ messageSid: "SM" + "d".repeat(32), status: "teleported", from: ACME_NUMBER, to: "+12125550000" }),
    });
    expect(bad.status).toBe(400);
  });
});

describe("Redis is the trigger, Postgres the truth", () => {
  it("an SMS acknowledged before Redis was flushed is still processed, once", async () => {
    // the web half runs alone: the event is stored and queued, then Redis loses everything
    const web = await startTestLeadline({ env: { ROLE: "web" } });
    try {
      await web.apply(acmeProfile());
      const from = nextPhone();
      const p = smsParams({ from, to: ACME_NUMBER, body: "is anyone there?" });
      expect((await web.post("/webhooks/twilio/sms", p)).status).toBe(200);
      await deleteRedisPrefix(web.prefix);
      const worker = await startTestLeadline({ env: { ROLE: "worker" }, database: web.database, prefix: web.prefix });
      try {
        await settle(200);
        expect(twilio.attempts.filter((m) => m.To === from)).toHaveLength(0);
        worker.clock.set(new Date(web.clock.now().getTime() + 60_000).toISOString()); // the web half's time, not the wall clock's
        const swept = await sweepInbound(worker.ctx, MAX_EVENT_ATTEMPTS);
        expect(swept.requeued).toBeGreaterThanOrEqual(1);
        await waitFor(() => twilio.sent.some((m) => m.To === from), "ack after the sweep");
        await sweepInbound(worker.ctx, MAX_EVENT_ATTEMPTS);
        await settle();
        expect(twilio.sent.filter((m) => m.To === from)).toHaveLength(1);
      } finally {
        await worker.close({ keepData: true });
      }
    } finally {
      await web.close();
    }
  });

  it("an outbound row whose job was lost is re-queued by the sweeper and sent once", async () => {
    const web = await startTestLeadline({ env: { ROLE: "web" } });
    try {
      const bid = await web.apply(acmeProfile());
      const phone = nextPhone();
      const contact = await web.ctx.prisma.contact.create({ data: { businessId: bid, phone, createdAt: web.clock.now() } });
      const conv = await web.ctx.prisma.conversation.create({ data: { businessId: bid, contactId: contact.id, createdAt: web.clock.now() } });
      const msg = await sendMessage(web.ctx, {
        businessId: bid,
        conversationId: conv.id,
        contactId: contact.id,
        to: phone,
        from: ACME_NUMBER,
        body: "hi",
        purpose: "reply",
        kind: "person",
        authorName: "Dana",
        origin: "console",
        replyToAt: web.clock.now(),
      });
      await deleteRedisPrefix(web.prefix);
      const worker = await startTestLeadline({ env: { ROLE: "worker" }, database: web.database, prefix: web.prefix });
      try {
        worker.clock.set(new Date(web.clock.now().getTime() + 60_000).toISOString()); // the web half's time, not the wall clock's
        expect((await sweepOutbound(worker.ctx)).requeued).toBe(1);
        await waitFor(() => twilio.sent.some((m) => m.To === phone), "sent after the sweep");
        await sweepOutbound(worker.ctx);
        await settle();
        expect(twilio.sent.filter((m) => m.To === phone)).toHaveLength(1);
        expect((await worker.ctx.prisma.message.findUniqueOrThrow({ where: { id: msg.id } })).status).toBe("accepted");
      } finally {
        await worker.close({ keepData: true });
      }
    } finally {
      await web.close();
    }
  });
});

describe("consent at the moment of sending", () => {
  it("a STOP that lands while a text waits for its number's send slot stops that text", async () => {
    // mps 1: of two texts from the number, one goes and the other waits about a second for its slot,
    // after its row was read; the STOP blocks the queued row, so the claim before the provider call
    // finds nothing to send. That second was the whole window for this test's own steps (the other
    // text seen, a status read, a webhook processed): on a loaded machine they took longer once, and
    // which text took the first slot was a race too. So the waiting text, whichever it is, stays at its
    // slot (after the limiter granted it) until the STOP has landed.
    const own = await startTestLeadline();
    try {
      const id = await own.apply(acmeProfile({ messaging: { mps: 1 } }));
      let takes = 0;
      let letGo!: () => void;
      const stopLanded = new Promise<void>((r) => (letGo = r));
      const take = own.ctx.limiter.take.bind(own.ctx.limiter);
      own.ctx.limiter.take = async (...args) => {
        const wait = await take(...args);
        if (++takes === 2) await stopLanded;
        return wait;
      };
      const texted = async () => {
        const phone = nextPhone();
        const at = own.clock.now();
        const contact = await own.ctx.prisma.contact.create({ data: { businessId: id, phone, createdAt: at } });
        const conversation = await own.ctx.prisma.conversation.create({
          data: { businessId: id, contactId: contact.id, businessNumber: ACME_NUMBER, createdAt: at },
        });
        const msg = await sendMessage(own.ctx, {
          businessId: id,
          conversationId: conversation.id,
          contactId: contact.id,
          to: phone,
          from: ACME_NUMBER,
          body: "Your plumber can come at 3 pm",
          purpose: "reply",
          kind: "person",
          authorName: "Dana",
          origin: "console",
          replyToAt: at,
        });
        return { phone, msg: msg! };
      };
      const both = [await texted(), await texted()];
      const gone = await waitFor(() => twilio.sent.find((m) => both.some((t) => t.phone === m.To)), "one text (the other now waits at its slot)");
      const second = both.find((t) => t.phone !== gone.To)!;
      await waitFor(() => takes >= 2 || undefined, "the other text at its slot");
      expect((await own.ctx.prisma.message.findUniqueOrThrow({ where: { id: second.msg.id } })).status).toBe("queued");
      const stop = await own.post("/webhooks/twilio/sms", smsParams({ from: second.phone, to: ACME_NUMBER, body: "STOP" }));
      expect(stop.status).toBe(200);
      await waitFor(async () => (await own.ctx.prisma.contact.findFirstOrThrow({ where: { phone: second.phone } })).optedOutAt, "the opt-out");
      letGo();
      const held = await waitFor(async () => {
        const r = await own.ctx.prisma.message.findUniqueOrThrow({ where: { id: second.msg.id } });
        return r.status === "queued" ? undefined : r;
      }, "the second text's outcome");
      expect(held).toMatchObject({ status: "blocked", errorCode: "opted-out" });
      await settle(300);
      expect(twilio.sent.filter((m) => m.To === second.phone)).toEqual([]);
    } finally {
      await own.close();
    }
  });
});

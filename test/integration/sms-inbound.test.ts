import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline();
  await t.apply(acmeProfile());
});
afterAll(() => t.close());
afterEach(() => twilio.reset());

let n = 0;
/** a fresh caller per test, so tests don't share conversations */
const nextCaller = () => `+1212555${String(1000 + ++n).padStart(4, "0")}`;
const sms = (from: string, body: string, extra: Partial<Parameters<typeof smsParams>[0]> = {}) => smsParams({ from, to: ACME_NUMBER, body, ...extra });

describe("POST /webhooks/twilio/sms", () => {
  it("stores the message, replies with empty TwiML, and acknowledges a new conversation once", async () => {
    const from = nextCaller();
    const res = await t.post("/webhooks/twilio/sms", sms(from, "My kitchen sink is leaking"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/xml/);
    expect(await res.text()).toContain("<Response></Response>");
    await waitFor(() => twilio.sent.find((m) => m.To === from), "acknowledgement");
    const ack = twilio.sent.filter((m) => m.To === from);
    expect(ack).toHaveLength(1);
    expect(ack[0]!.From).toBe(ACME_NUMBER);
    expect(ack[0]!.Body).toContain("Acme Plumbing");
    expect(ack[0]!.StatusCallback).toMatch(/^https:\/\/leadline\.test\/webhooks\/twilio\/status\?m=[a-z0-9]+$/);

    await t.post("/webhooks/twilio/sms", sms(from, "Can you come today?"));
    await waitFor(async () => (await t.ctx.prisma.message.count({ where: { fromNumber: from, direction: "inbound" } })) === 2, "second inbound");
    await settle();
    expect(twilio.sent.filter((m) => m.To === from)).toHaveLength(1);
    const lead = await waitFor(async () => {
      const l = await t.ctx.prisma.lead.findFirstOrThrow({ where: { contact: { phone: from } } });
      return l.firstResponseAt ? l : undefined; // recorded once Twilio has answered
    }, "first response recorded");
    expect(lead.source).toBe("google-lsa");
  });

  it("records the same delivery three times as one row and one text", async () => {
    const from = nextCaller();
    const p = sms(from, "hello?");
    const results = await Promise.all([t.post("/webhooks/twilio/sms", p), t.post("/webhooks/twilio/sms", p), t.post("/webhooks/twilio/sms", p)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await waitFor(() => twilio.sent.some((m) => m.To === from), "ack");
    await settle();
    expect(await t.ctx.prisma.inboundEvent.count({ where: { externalId: p.MessageSid } })).toBe(1);
    expect(await t.ctx.prisma.message.count({ where: { providerId: p.MessageSid } })).toBe(1);
    expect(twilio.sent.filter((m) => m.To === from)).toHaveLength(1);
  });

  it.each([
    ["a wrong signature", "bm90IGEgc2lnbmF0dXJl"],
    ["no signature", null],
  ])("rejects %s with 403 and stores nothing", async (_, signature) => {
    const p = sms(nextCaller(), "forged");
    const res = await t.post("/webhooks/twilio/sms", p, { signature });
    expect(res.status).toBe(403);
    expect(await t.ctx.prisma.inboundEvent.count({ where: { externalId: p.MessageSid } })).toBe(0);
  });

  it("rejects a body signed for another URL (signature checked against PUBLIC_BASE_URL)", async () => {
    const p = sms(nextCaller(), "replayed");
    const { default: tw } = await import("twilio");
    const sig = tw.getExpectedTwilioSignature("test-auth-token-0000", `${t.url}/webhooks/twilio/sms`, p);
    const res = await t.post("/webhooks/twilio/sms", p, { signature: sig });
    expect(res.status).toBe(403);
  });

  it.each([
    ["no MessageSid", (p: Record<string, string>) => delete p.MessageSid, /MessageSid/],
    ["a bogus MessageSid", (p: Record<string, string>) => (p.MessageSid = "nope"), /MessageSid/],
    ["no From", (p: Record<string, string>) => delete p.From, /From/],
  ])("answers 400 for %s, never 500, and stores nothing", async (_, mutate, reason) => {
    const p = sms(nextCaller(), "x");
    mutate(p);
    const res = await t.post("/webhooks/twilio/sms", p);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(reason);
    expect(body.error).not.toMatch(/\n|at \w+ \(/);
    expect(await t.ctx.prisma.inboundEvent.count({ where: { payload: { path: ["From"], equals: p.From ?? "none" } } })).toBe(0);
  });

  it("answers 400 for a body that is not form-encoded at all", async () => {
    const res = await fetch(`${t.url}/webhooks/twilio/sms`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect([400, 403]).toContain(res.status);
    expect(res.status).not.toBe(500);
  });

  it("keeps MMS media on the message", async () => {
    const from = nextCaller();
    const p = sms(from, "here is the leak", { media: [{ url: "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1", type: "image/jpeg" }] });
    await t.post("/webhooks/twilio/sms", p);
    const msg = await waitFor(() => t.ctx.prisma.message.findUnique({ where: { providerId: p.MessageSid } }), "mms row");
    expect(msg.channel).toBe("mms");
    expect(msg.media).toEqual([{ url: p.MediaUrl0, contentType: "image/jpeg" }]);
  });

  // A webhook's job carries the row it stored, and its first start uses it. A later start (a retry,
  // or a crashed worker's job started again: BullMQ counts starts in the job's `ats` field) must
  // read the row instead, and skip it once it is no longer pending.
  it.each([
    { start: "a first start uses the row its job carries", startedBefore: 0, outcome: "processed", stored: 1 },
    { start: "a later start reads the row and skips it: already processed", startedBefore: 1, outcome: "skipped", stored: 0 },
  ])("$start", async ({ startedBefore, outcome, stored }) => {
    const from = nextCaller();
    const p = sms(from, "first");
    await t.post("/webhooks/twilio/sms", p);
    const event = await waitFor(async () => {
      const e = await t.ctx.prisma.inboundEvent.findFirst({ where: { externalId: p.MessageSid } });
      return e?.status === "processed" ? e : undefined;
    }, "event processed");
    // the same event's job once more, carrying a payload the row does not hold: its message shows
    // whether the run trusted the carried copy
    const again = sms(from, "carried copy");
    const queue = t.ctx.queues.byName.inbound;
    const jobId = `${event.id}-again-${startedBefore}`;
    const carried = { kind: "sms", businessId: event.businessId, payload: again, receivedAt: event.receivedAt.toISOString() };
    await queue.add("process-inbound", { eventId: event.id, event: carried }, { jobId, delay: 300 });
    if (startedBefore) await t.ctx.queues.redis.hset(`${t.prefix}:inbound:${jobId}`, "ats", String(startedBefore));
    // the state first, then the hash: completion writes both in one script, so a hash read after
    // "completed" holds the return value (read the other way round, a hash read mid-run, ats set but
    // no returnvalue yet, passed as done once the run finished in between: CI saw returnvalue null)
    const job = await waitFor(async () => ((await queue.getJobState(jobId)) === "completed" ? queue.getJob(jobId) : undefined), "job run again");
    expect(job.attemptsStarted).toBe(startedBefore + 1);
    expect(job.returnvalue).toBe(outcome);
    expect(await t.ctx.prisma.message.count({ where: { providerId: again.MessageSid } })).toBe(stored);
  });

  it("does nothing for a number no business owns", async () => {
    const p = smsParams({ from: nextCaller(), to: "+15555550777", body: "hi" });
    const res = await t.post("/webhooks/twilio/sms", p);
    expect(res.status).toBe(200);
    await settle();
    const ev = await t.ctx.prisma.inboundEvent.findFirstOrThrow({ where: { externalId: p.MessageSid } });
    expect(ev.status).toBe("ignored");
    expect(await t.ctx.prisma.message.count({ where: { providerId: p.MessageSid } })).toBe(0);
    expect(twilio.attempts.filter((m) => m.To === p.From)).toHaveLength(0);
  });
});

describe("keywords and opt-out", () => {
  async function textAndWait(from: string, body: string) {
    const p = sms(from, body);
    await t.post("/webhooks/twilio/sms", p);
    await waitFor(
      async () => (await t.ctx.prisma.inboundEvent.findFirst({ where: { externalId: p.MessageSid } }))?.status === "processed",
      `"${body}" processed`,
    );
  }
  const contact = (phone: string) => t.ctx.prisma.contact.findFirstOrThrow({ where: { phone } });

  it.each(["STOP", "stop", "Stop.", " UNSUBSCRIBE ", "quit!", "OptOut", "revoke", "CANCEL", "end", "STOPALL"])(
    "%j opts the contact out; nothing is sent again by any path",
    async (word) => {
      const from = nextCaller();
      await textAndWait(from, word);
      expect((await contact(from)).optedOutAt).not.toBeNull();
      const events = await t.ctx.prisma.optOutEvent.findMany({ where: { contact: { phone: from } } });
      expect(events.map((e) => [e.action, e.reason])).toEqual([["opt-out", "keyword"]]);
      await textAndWait(from, "are you there?");
      await textAndWait(from, "HELP");
      await settle();
      expect(twilio.attempts.filter((m) => m.To === from)).toHaveLength(0);
    },
  );

  it.each(["Please stop texting me", "don't text me again", "Remove me from your list", "no more texts please"])(
    "natural-language opt-out %j counts",
    async (text) => {
      const from = nextCaller();
      await textAndWait(from, text);
      const c = await contact(from);
      expect(c.optedOutAt).not.toBeNull();
      const ev = await t.ctx.prisma.optOutEvent.findFirstOrThrow({ where: { contactId: c.id } });
      expect(ev.reason).toBe("natural-language");
      // Twilio confirms only its keywords: a plain-language opt-out gets one confirmation from us, and nothing else
      await waitFor(() => twilio.attempts.some((m) => m.To === from), "the confirmation");
      await settle(200);
      expect(twilio.attempts.filter((m) => m.To === from).map((m) => m.Body)).toEqual([expect.stringMatching(/unsubscribed/)]);
    },
  );

  it("START opts back in and consent is recorded; texts flow again", async () => {
    const from = nextCaller();
    await textAndWait(from, "STOP");
    await textAndWait(from, "START");
    const c = await contact(from);
    expect(c.optedOutAt).toBeNull();
    expect(await t.ctx.prisma.consent.count({ where: { contactId: c.id, basis: "keyword", revokedAt: null } })).toBe(1);
    await textAndWait(from, "I need a plumber");
    await waitFor(() => twilio.sent.some((m) => m.To === from), "ack after opt-in");
  });

  it("HELP gets one reply naming the business and how to opt out", async () => {
    const from = nextCaller();
    await textAndWait(from, "help");
    await waitFor(() => twilio.sent.some((m) => m.To === from), "help reply");
    await settle();
    const replies = twilio.sent.filter((m) => m.To === from);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.Body).toMatch(/Acme Plumbing/);
    expect(replies[0]!.Body).toMatch(/STOP/);
  });

  it("an ordinary sentence containing a keyword is not an opt-out", async () => {
    const from = nextCaller();
    await textAndWait(from, "The water won't stop running, can you come?");
    expect((await contact(from)).optedOutAt).toBeNull();
    await waitFor(() => twilio.sent.some((m) => m.To === from), "ack");
  });
});

describe("tenants", () => {
  it("the same homeowner texting two businesses is two contacts that never see each other", async () => {
    await t.apply(acmeProfile({ slug: "bravo-hvac", name: "Bravo HVAC", phoneNumbers: ["+15555550200"], numberSources: {} }));
    const from = nextCaller();
    await t.post("/webhooks/twilio/sms", sms(from, "acme please"));
    await t.post("/webhooks/twilio/sms", smsParams({ from, to: "+15555550200", body: "bravo please" }));
    await waitFor(() => twilio.sent.filter((m) => m.To === from).length === 2, "two acks");
    expect(
      twilio.sent
        .filter((m) => m.To === from)
        .map((m) => m.From)
        .sort(),
    ).toEqual([ACME_NUMBER, "+15555550200"]);
    const contacts = await t.ctx.prisma.contact.findMany({ where: { phone: from }, include: { business: true, messages: true } });
    expect(contacts).toHaveLength(2);
    for (const c of contacts) expect(c.messages.every((m) => m.businessId === c.businessId)).toBe(true);

    const a = (await (await t.admin("/api/admin/businesses/acme-plumbing/conversations")).json()) as {
      conversations: { id: string; contact: { phone: string }; lastMessage: { body: string } }[];
    };
    const b = (await (await t.admin("/api/admin/businesses/bravo-hvac/conversations")).json()) as typeof a;
    const aConv = a.conversations.filter((c) => c.contact.phone === from);
    const bConv = b.conversations.filter((c) => c.contact.phone === from);
    expect(aConv).toHaveLength(1);
    expect(bConv).toHaveLength(1);
    expect(aConv[0]!.id).not.toBe(bConv[0]!.id);
    const detail = (await (await t.admin(`/api/admin/conversations/${bConv[0]!.id}`)).json()) as { messages: { body: string }[] };
    expect(detail.messages.map((m) => m.body).join(" ")).not.toMatch(/acme please/);
  });

  it("a text is answered without the event stream, and its lead and touch commit with the message", async () => {
    const own = await startTestLeadline();
    try {
      await own.apply(acmeProfile());
      await own.ctx.events.close(); // no subscriber runs in this process from here on
      const from = nextCaller();
      await own.post("/webhooks/twilio/sms", sms(from, "Is anyone around to look at my water heater?"));
      await waitFor(() => twilio.sent.find((m) => m.To === from), "the answer, with the stream stopped");
      const message = await own.ctx.prisma.message.findFirstOrThrow({ where: { fromNumber: from, direction: "inbound" } });
      const lead = await own.ctx.prisma.lead.findFirstOrThrow({ where: { contactId: message.contactId } });
      expect(lead).toMatchObject({ source: "google-lsa", channel: "sms", conversationId: message.conversationId });
      expect(lead.createdAt.getTime()).toBe(message.createdAt.getTime());
      const touches = await own.ctx.prisma.touch.findMany({ where: { contactId: message.contactId } });
      expect(touches.map((x) => [x.leadId, x.channel, x.source])).toEqual([[lead.id, "sms", "google-lsa"]]);
      const events = await own.ctx.prisma.domainEvent.findMany({ where: { subject: message.conversationId }, orderBy: { seq: "asc" } });
      expect(events.map((e) => e.type).slice(0, 2)).toEqual(["message.added", "lead.updated"]);
    } finally {
      await own.close();
    }
  });
});

beforeEach(() => undefined);

// Slack trouble never reaches the homeowner: a 429 is waited out for exactly its Retry-After, an
// outage is caught up later in order, and a mirror that replays events (a crash before its cursor
// moved) posts nothing twice. Fake Slack and Twilio at the HTTP boundary.
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BOT_TOKEN, SLACK_BASE, createSlackFake, textOf } from "../fakes/slack-api.ts";
import { SIGNING_SECRET } from "../fakes/slack-requests.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
const slack = createSlackFake();
useMsw(twilio.handler, slack.handler);

const CHANNEL = "C0LEADS002";
const SLACK_ENV = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: SLACK_BASE };

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline({ env: SLACK_ENV });
  await t.apply(acmeProfile({ slack: { channel: CHANNEL } }));
});
afterEach(() => {
  twilio.reset();
  slack.up();
});
afterAll(() => t.close());

let n = 0;
const newPhone = () => `+1212555${String(8000 + ++n)}`;
const text = (from: string, body: string) => t.post("/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body }));
const rootOf = (phone: string) => slack.roots(CHANNEL).find((p) => textOf(p).includes(phone));

describe("Slack rate limits and outages", () => {
  it("a 429 is retried after its Retry-After, not before; the homeowner's reply did not wait for it", async () => {
    const phone = newPhone();
    slack.failNext({ kind: "429", retryAfter: 1 }, "chat.postMessage");
    await text(phone, "Water heater is leaking");
    const root = await waitFor(() => rootOf(phone), "the card after the 429", 15_000);
    const posts = slack.calls.filter((c) => c.method === "chat.postMessage");
    const limited = posts.find((c) => String(c.args.text).includes(phone))!;
    const next = posts[posts.indexOf(limited) + 1]!;
    expect(next.at - limited.at).toBeGreaterThanOrEqual(950);
    const ack = twilio.sent.find((m) => m.To === phone);
    expect(ack).toBeDefined();
    expect(ack!.dateCreated.getTime()).toBeLessThan(next.at);
    await waitFor(() => slack.thread(root.ts).length >= 2, "the thread");
  });

  it("while Slack is down the homeowner is answered; when it is back the thread catches up, in order, nothing skipped", async () => {
    const phone = newPhone();
    slack.down();
    await text(phone, "first: is anyone there?");
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "the homeowner's reply during the outage");
    await waitFor(async () => (await t.ctx.prisma.message.count({ where: { fromNumber: phone } })) === 1, "stored");
    await text(phone, "second: hello??");
    await text(phone, "third: ok call me");
    await waitFor(async () => (await t.ctx.prisma.message.count({ where: { fromNumber: phone } })) === 3, "all inbound stored");
    await settle(1500);
    expect(rootOf(phone)).toBeUndefined();
    expect(slack.calls.some((c) => c.method === "chat.postMessage")).toBe(true); // it kept trying

    slack.up();
    const root = await waitFor(() => rootOf(phone), "the card after the outage", 20_000);
    const lines = (await waitFor(() => (slack.thread(root.ts).length >= 4 ? slack.thread(root.ts) : undefined), "the thread caught up", 20_000)).map(textOf);
    const order = ["first: is anyone there?", "second: hello??", "third: ok call me"].map((s) => lines.findIndex((l) => l.includes(s)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(lines.filter((l) => l.includes("AI (template)"))).toHaveLength(1);
    expect(slack.roots(CHANNEL).filter((p) => textOf(p).includes(phone))).toHaveLength(1);
  });

  it("events replayed after a crash (cursor behind the posts) post nothing twice", async () => {
    const phone = newPhone();
    await text(phone, "need a plumber");
    const root = await waitFor(() => rootOf(phone), "the card");
    await waitFor(() => slack.thread(root.ts).length >= 2, "the thread");
    await settle(300);
    const before = slack.posts.length;
    // the process dies after posting but before moving its cursor: a new one takes over from the
    // cursor left behind (the lease is free, as a dead process's is once it runs out)
    const { database, prefix } = t;
    await t.close({ keepData: true });
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(`UPDATE "EventCursor" SET "position" = "position" - 10, "leaseOwner" = NULL WHERE "subscriber" = 'slack-mirror'`);
    await db.end();
    t = await startTestLeadline({ env: SLACK_ENV, database, prefix });
    await settle(1500);
    expect(slack.posts.length).toBe(before);
    const [cursor] = await t.ctx.sql<{ position: string }>(`SELECT "position"::text AS "position" FROM "EventCursor" WHERE "subscriber" = 'slack-mirror'`, []);
    const [head] = await t.ctx.sql<{ head: string }>(`SELECT max("seq")::text AS "head" FROM "DomainEvent"`, []);
    expect(cursor!.position).toBe(head!.head);
  });

  it("a post Slack took but whose answer was lost is found by its metadata on the retry, not posted again", async () => {
    const phone = newPhone();
    slack.failNext({ kind: "accept-then-drop" }, "chat.postMessage"); // the lead card
    await text(phone, "toilet overflowing");
    const root = await waitFor(() => rootOf(phone), "the card");
    await waitFor(() => slack.thread(root.ts).length >= 2, "the thread under the one card", 15_000);
    expect(slack.roots(CHANNEL).filter((p) => textOf(p).includes(phone))).toHaveLength(1);
    expect(slack.calls.some((c) => c.method === "conversations.history")).toBe(true);

    slack.failNext({ kind: "accept-then-drop" }, "chat.postMessage"); // the next thread message
    await text(phone, "water everywhere now");
    await waitFor(() => slack.calls.some((c) => c.method === "conversations.replies"), "the retry looked in the thread", 15_000);
    await waitFor(() => slack.thread(root.ts).some((p) => textOf(p).includes("water everywhere now")), "the message");
    await settle(800);
    expect(slack.thread(root.ts).filter((p) => textOf(p).includes("water everywhere now"))).toHaveLength(1);
    const conv = await t.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone } } });
    expect(conv.slackThreadTs).toBe(root.ts);
  });

  it("a channel Slack refuses (channel_not_found) is logged and skipped rather than holding every other thread", async () => {
    const phone = newPhone();
    slack.failNext({ kind: "error", error: "channel_not_found" }, "chat.postMessage");
    await text(phone, "first message lost to a bad channel");
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "the reply");
    const other = newPhone();
    await text(other, "the next lead still gets its thread");
    await waitFor(() => rootOf(other), "the next lead's card", 15_000);
  });
});

describe("Slack off", () => {
  it("without SLACK_BOT_TOKEN nothing Slack runs: /slack/events is 404, no thread, no digest, the homeowner still answered", async () => {
    const off = await startTestLeadline();
    try {
      await off.apply(acmeProfile({ slack: { channel: CHANNEL } }));
      const calls = slack.calls.length;
      expect((await fetch(`${off.url}/slack/events`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(404);
      const phone = newPhone();
      await off.post("/webhooks/twilio/sms", smsParams({ from: phone, to: ACME_NUMBER, body: "hello?" }));
      await waitFor(() => twilio.sent.some((m) => m.To === phone), "the reply");
      off.clock.set("2026-11-18T13:00:00Z");
      expect((await off.ll.sweep()).slack).toEqual({ digests: 0, unanswered: 0 });
      await settle();
      expect(slack.calls.length).toBe(calls);
    } finally {
      await off.close();
    }
  });
});

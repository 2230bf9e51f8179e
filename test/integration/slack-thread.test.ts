// The dispatcher's Slack end to end: real HTTP, queue, Postgres and event stream; Slack faked at
// the HTTP boundary (msw, Web API JSON) and its requests signed with the real v0 scheme; Twilio
// faked the same way. No model: the template flow answers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BOT_ID, BOT_TOKEN, SLACK_BASE, createSlackFake, textOf } from "../fakes/slack-api.ts";
import { SIGNING_SECRET, blockActions, messageEvent, postEvent, postInteraction, postSlashCommand } from "../fakes/slack-requests.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams, statusParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { bookAppointment } from "../../src/scheduling/book-appointment.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
const slack = createSlackFake();
useMsw(twilio.handler, slack.handler);

const CHANNEL = "C0LEADS001";
const ALERTS = "C0ALERTS01";
const DANA = { id: "U0DANA0001", username: "dana" };

let t: TestLeadline;
beforeAll(async () => {
  // @slack/web-api's own form of the base (CONTRACT.md); slack-digest and slack-resilience use the bare host
  t = await startTestLeadline({ env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${SLACK_BASE}/api/` } });
  await t.apply(
    acmeProfile({
      slack: { channel: CHANNEL, alertsChannel: ALERTS },
      booking: { crews: 1, bufferMinutes: 30, minNoticeHours: 2, horizonDays: 14 },
      services: [{ key: "drain-cleaning", name: "Drain cleaning", durationMinutes: 90 }],
    }),
  );
  slack.addUser({ id: DANA.id, name: "dana", real_name: "Dana Reyes", display_name: "Dana" });
});
afterEach(() => twilio.reset());
afterAll(() => t.close());

let n = 0;
const newPhone = () => `+1212555${String(7000 + ++n)}`;
const text = (from: string, body: string, media?: { url: string; type: string }[]) =>
  t.post("/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body, ...(media ? { media } : {}) }));
const sentTo = (phone: string) => twilio.sent.filter((m) => m.To === phone).map((m) => m.Body);

/** the lead card for this phone and its thread, once the mirror has posted `count` replies */
async function threadOf(phone: string, count: number) {
  return waitFor(() => {
    const root = slack.roots(CHANNEL).find((p) => textOf(p).includes(phone));
    const replies = root ? slack.thread(root.ts) : [];
    return root && replies.length >= count ? { root, replies } : undefined;
  }, `a thread for ${phone} with ${count} replies`);
}

/** a conversation with its thread started: one inbound and the template's acknowledgement */
async function leadWithThread() {
  const phone = newPhone();
  await text(phone, "My kitchen drain is clogged");
  const { root } = await threadOf(phone, 2);
  const conv = await t.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone } } });
  return { phone, root, conv };
}

describe("the thread mirror", () => {
  it("starts one thread per conversation under a lead card and mirrors every message in order, marked by who wrote it, photos shown", async () => {
    const phone = newPhone();
    await text(phone, "My kitchen drain is clogged & it <smells>");
    await waitFor(() => sentTo(phone).length === 1, "the acknowledgement");
    await text(phone, "here is a photo", [{ url: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", type: "image/jpeg" }]);
    // the template flow knew the service (the first text) and the ZIP (Twilio's FromZip): the second
    // text's turn says the details are in, so the thread has four posts
    const { root, replies } = await threadOf(phone, 4);

    expect(slack.roots(CHANNEL).filter((p) => textOf(p).includes(phone))).toHaveLength(1);
    const card = textOf(root);
    expect(card).toContain("google-lsa");
    expect(card).toContain("the AI");
    expect(root.blocks.some((b) => (b as { type: string }).type === "actions")).toBe(true);

    const lines = replies.map(textOf);
    expect(lines[0]).toMatch(/Homeowner[\s\S]*My kitchen drain is clogged &amp; it &lt;smells&gt;/);
    expect(lines[1]).toMatch(/AI \(template\)/);
    expect(lines[1]).toContain(sentTo(phone)[0]!.slice(0, 20).replace(/&/g, "&amp;"));
    expect(lines[2]).toMatch(/Homeowner[\s\S]*here is a photo/);
    const image = replies[2]!.blocks.find((b) => (b as { type: string }).type === "image") as { image_url: string } | undefined;
    expect(image?.image_url).toBe("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1");

    const conv = await t.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone } } });
    expect(conv.slackChannel).toBe(CHANNEL);
    expect(conv.slackThreadTs).toBe(root.ts);
    expect(lines[3]).toMatch(/AI \(template\)/);
    expect(replies).toHaveLength(4);
    // each post is proven once, with the ts it got (a mark is written right after its post returns)
    const marks = await waitFor(async () => {
      const found = await t.ctx.prisma.onceMark.findMany({ where: { key: { startsWith: "slack:msg:" }, value: { in: replies.map((r) => r.ts) } } });
      return found.length >= replies.length ? found : undefined;
    }, "a mark for every post");
    expect(marks).toHaveLength(4);
    expect(new Set(marks.map((m) => m.value))).toEqual(new Set(replies.map((r) => r.ts)));
  });
});

describe("replying from the thread", () => {
  it("a dispatcher's reply texts the homeowner through the one door, pauses the AI, and is not echoed into the thread", async () => {
    const { phone, root, conv } = await leadWithThread();
    const reply = messageEvent({
      channel: CHANNEL,
      user: DANA.id,
      text: "Hi, Dana here &amp; we can come at 3. See <https://acme.example|our site>",
      thread_ts: root.ts,
    });
    const res = await postEvent(t.url, reply.body);
    expect(res.status).toBe(200);

    await waitFor(() => sentTo(phone).length === 2, "the dispatcher's text");
    expect(sentTo(phone)[1]).toBe("Hi, Dana here & we can come at 3. See our site (https://acme.example)");
    const msg = await t.ctx.prisma.message.findFirstOrThrow({ where: { conversationId: conv.id, author: "human" } });
    expect(msg).toMatchObject({ authorName: "Dana", origin: "slack", kind: "reply", direction: "outbound" });
    expect((await t.ctx.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).handledBy).toBe("human");

    // the card now says who handles it, and the thread says so once
    await waitFor(() => textOf(root).includes("a person (Dana)"), "the card updated in place");
    await waitFor(() => slack.thread(root.ts).some((p) => textOf(p).includes("Dana took over")), "the system line");
    await settle();
    expect(slack.thread(root.ts).filter((p) => textOf(p).includes("we can come at 3"))).toHaveLength(0);

    // the AI stays quiet while a person has it
    await text(phone, "great, thanks");
    await waitFor(() => slack.thread(root.ts).some((p) => textOf(p).includes("great, thanks")), "the homeowner's answer mirrored");
    await settle(600);
    expect(sentTo(phone)).toHaveLength(2);
  });

  it("note: stays internal; bot posts, edits and other subtypes are ignored", async () => {
    const { phone, root } = await leadWithThread();
    const before = await t.ctx.prisma.inboundEvent.count({ where: { provider: "slack" } });
    const note = messageEvent({ channel: CHANNEL, user: DANA.id, text: "note: he sounded upset, call first", thread_ts: root.ts });
    expect((await postEvent(t.url, note.body)).status).toBe(200);
    await waitFor(
      async () => (await t.ctx.prisma.inboundEvent.findFirst({ where: { provider: "slack", externalId: note.eventId, status: "processed" } })) !== null,
      "the note processed",
    );
    for (const e of [
      messageEvent({ channel: CHANNEL, text: "from a bot", thread_ts: root.ts, bot_id: BOT_ID }),
      messageEvent({ channel: CHANNEL, user: DANA.id, text: "edited", thread_ts: root.ts, subtype: "message_changed" }),
      messageEvent({ channel: CHANNEL, user: DANA.id, text: "joined", subtype: "channel_join" }),
      messageEvent({ channel: CHANNEL, user: DANA.id, text: "top-level chatter, not in a thread" }),
      messageEvent({ channel: "C0SOMEONEELSE", user: DANA.id, text: "another channel", thread_ts: root.ts }),
    ])
      expect((await postEvent(t.url, e.body)).status).toBe(200);
    await settle(600);
    expect(sentTo(phone)).toHaveLength(1); // the acknowledgement only
    expect(await t.ctx.prisma.inboundEvent.count({ where: { provider: "slack" } })).toBe(before + 1);
    const conv = await t.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone } } });
    expect(conv.handledBy).toBe("ai");
  });

  it("a Slack retry of the same event (X-Slack-Retry-Num, same event_id) is stored and sent once", async () => {
    const { phone, root } = await leadWithThread();
    const reply = messageEvent({ channel: CHANNEL, user: DANA.id, text: "On our way", thread_ts: root.ts });
    const results = await Promise.all([
      postEvent(t.url, reply.body),
      postEvent(t.url, reply.body, { retryNum: 1 }),
      postEvent(t.url, reply.body, { retryNum: 2 }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await waitFor(() => sentTo(phone).length === 2, "the reply");
    await settle(600);
    expect(sentTo(phone).filter((b) => b === "On our way")).toHaveLength(1);
    expect(await t.ctx.prisma.inboundEvent.count({ where: { provider: "slack", externalId: reply.eventId } })).toBe(1);
  });

  it("a reply to a homeowner who texted STOP is not sent, and the thread says so", async () => {
    const { phone, root, conv } = await leadWithThread();
    await text(phone, "STOP");
    await waitFor(async () => (await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: conv.contactId } })).optedOutAt !== null, "opted out");
    const sentBefore = sentTo(phone).length;
    const reply = messageEvent({ channel: CHANNEL, user: DANA.id, text: "Are you still there?", thread_ts: root.ts });
    expect((await postEvent(t.url, reply.body)).status).toBe(200);
    await waitFor(() => slack.thread(root.ts).some((p) => textOf(p).includes("That reply was not sent now (blocked")), "the notice in the thread");
    expect(sentTo(phone)).toHaveLength(sentBefore);
    const msg = await t.ctx.prisma.message.findFirstOrThrow({ where: { conversationId: conv.id, origin: "slack" } });
    expect(msg.status).toBe("blocked");
  });
});

describe("the door itself", () => {
  it("refuses a bad signature, a stale timestamp and an unsigned request with 401 and stores nothing; a malformed signed body is a 400", async () => {
    const before = await t.ctx.prisma.inboundEvent.count({ where: { provider: "slack" } });
    const e = messageEvent({ channel: CHANNEL, user: DANA.id, text: "hello", thread_ts: "1.000001" });
    expect((await postEvent(t.url, e.body, { secret: "not-the-signing-secret-000000" })).status).toBe(401);
    expect((await postEvent(t.url, e.body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    expect((await postEvent(t.url, e.body, { signature: null })).status).toBe(401);
    const { sendToSlackEndpoint } = await import("../fakes/slack-requests.ts");
    expect((await sendToSlackEndpoint(t.url, "{not json", "application/json")).status).toBe(400);
    expect((await sendToSlackEndpoint(t.url, JSON.stringify({ hello: "world" }), "application/json")).status).toBe(400);
    // signed, but not what Slack sends: acknowledged, nothing stored
    const { event_id: _, ...noId } = e.body;
    expect((await postEvent(t.url, noId)).status).toBe(200);
    const form = new URLSearchParams({ command: "/leadline", text: "today", channel_id: CHANNEL }).toString();
    const unreadable = await sendToSlackEndpoint(t.url, form, "application/x-www-form-urlencoded");
    expect(((await unreadable.json()) as { text: string }).text).toMatch(/could not read/);
    expect(await t.ctx.prisma.inboundEvent.count({ where: { provider: "slack" } })).toBe(before);
  });
});

describe("the card follows the lead", () => {
  it("a booked visit shows on the card and as a line in the thread", async () => {
    const { root, conv } = await leadWithThread();
    // Thu Nov 19, 10:00 in New York (the test clock is Wed Nov 18, 10:00)
    const r = await bookAppointment(t.ctx, {
      businessId: conv.businessId,
      contactId: conv.contactId,
      conversationId: conv.id,
      serviceKey: "drain-cleaning",
      startAt: new Date("2026-11-19T15:00:00Z"),
    });
    expect(r.kind).toBe("booked");
    await waitFor(() => slack.thread(root.ts).some((p) => textOf(p).includes("Visit booked: Thu Nov 19, 10:00 AM")), "the line in the thread");
    await waitFor(() => /Visit\*\nThu Nov 19, 10:00 AM/.test(textOf(root)), "the card shows the visit");
  });
});

describe("card buttons", () => {
  const click = (root: { ts: string }, actionId: string, value: string) =>
    postInteraction(t.url, blockActions({ channel: CHANNEL, user: DANA, actionId, value, messageTs: root.ts }));

  it("Take over and Resume AI move the conversation; Mark booked, Mark lost and Spam set the lead; the card follows", async () => {
    const { root, conv } = await leadWithThread();
    expect((await click(root, "leadline_take_over", conv.id)).status).toBe(200);
    await waitFor(async () => (await t.ctx.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).handledBy === "human", "taken over");
    await waitFor(() => textOf(root).includes("a person (Dana)") && textOf(root).includes("Resume AI"), "the card shows the person");

    await click(root, "leadline_resume_ai", conv.id);
    await waitFor(async () => (await t.ctx.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).handledBy === "ai", "back to the AI");
    await waitFor(() => textOf(root).includes("Take over"), "the card offers Take over again");

    await click(root, "leadline_mark_booked", conv.id);
    await waitFor(async () => (await t.ctx.prisma.lead.findFirstOrThrow({ where: { conversationId: conv.id } })).stage === "booked", "booked");
    await waitFor(() => /Stage\*\nBooked/.test(textOf(root)), "the card shows Booked");

    await click(root, "leadline_mark_lost", conv.id);
    await waitFor(async () => (await t.ctx.prisma.lead.findFirstOrThrow({ where: { conversationId: conv.id } })).stage === "lost", "lost");

    await click(root, "leadline_spam", conv.id);
    await waitFor(async () => (await t.ctx.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).status === "closed", "closed as spam");
    expect((await t.ctx.prisma.lead.findFirstOrThrow({ where: { conversationId: conv.id } })).stage).toBe("spam");
  });

  it("a button naming another business's conversation changes nothing", async () => {
    const otherId = await t.apply(acmeProfile({ slug: "other-co", name: "Other Co", phoneNumbers: ["+15555550300"], numberSources: {} }));
    const contact = await t.ctx.prisma.contact.create({ data: { businessId: otherId, phone: newPhone(), createdAt: t.clock.now() } });
    const foreign = await t.ctx.prisma.conversation.create({ data: { businessId: otherId, contactId: contact.id, createdAt: t.clock.now() } });
    const { root } = await leadWithThread();
    const payload = blockActions({ channel: CHANNEL, user: DANA, actionId: "leadline_take_over", value: foreign.id, messageTs: root.ts });
    expect((await postInteraction(t.url, payload)).status).toBe(200);
    await waitFor(
      async () => (await t.ctx.prisma.inboundEvent.findFirst({ where: { externalId: `action-${payload.trigger_id}`, status: "processed" } })) !== null,
      "the click processed",
    );
    expect((await t.ctx.prisma.conversation.findUniqueOrThrow({ where: { id: foreign.id } })).handledBy).toBe("ai");
  });
});

describe("/leadline", () => {
  it("lists today's leads and finds a contact by phone or name, only to the asker", async () => {
    const { phone, conv } = await leadWithThread();
    await t.ctx.prisma.contact.update({ where: { id: conv.contactId }, data: { name: "Maria Lopez" } });
    const today = await postSlashCommand(t.url, { channel: CHANNEL, user: DANA, text: "today" });
    expect(today.status).toBe(200);
    const body = (await today.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toContain("Maria Lopez");
    expect(body.text).toContain("google-lsa");

    const national = `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    const byPhone = (await (await postSlashCommand(t.url, { channel: CHANNEL, user: DANA, text: `find ${national}` })).json()) as { text: string };
    expect(byPhone.text).toContain("Maria Lopez");
    const byName = (await (await postSlashCommand(t.url, { channel: CHANNEL, user: DANA, text: "find maria" })).json()) as { text: string };
    expect(byName.text).toContain(phone);
    const none = (await (await postSlashCommand(t.url, { channel: CHANNEL, user: DANA, text: "find nobody-by-this-name" })).json()) as { text: string };
    expect(none.text).toMatch(/No contact/);
    const elsewhere = (await (await postSlashCommand(t.url, { channel: "C0ELSEWHERE", user: DANA, text: "today" })).json()) as { text: string };
    expect(elsewhere.text).toMatch(/Run \/leadline in your business's Leadline channel/);
  });

  it("pause and resume switch the business's AI (ai.enabled) and say so in the channel", async () => {
    const res = await postSlashCommand(t.url, { channel: CHANNEL, user: DANA, text: "pause" });
    expect(((await res.json()) as { text: string }).text).toMatch(/Pausing the AI/);
    const enabled = async () =>
      ((await t.ctx.prisma.business.findUniqueOrThrow({ where: { slug: "acme-plumbing" } })).profile as { ai: { enabled: boolean } }).ai.enabled;
    await waitFor(async () => (await enabled()) === false, "AI paused");
    await waitFor(() => slack.posts.some((p) => p.channel === CHANNEL && p.text.includes("Dana paused the AI")), "said in the channel");
    await postSlashCommand(t.url, { channel: CHANNEL, user: DANA, text: "resume" });
    await waitFor(async () => (await enabled()) === true, "AI resumed");
    await waitFor(() => slack.posts.some((p) => p.channel === CHANNEL && p.text.includes("Dana resumed the AI")), "said in the channel");
  });
});

describe("alerts", () => {
  it("an emergency goes to the alerts channel with @here, naming the contact; the thread shows the handoff", async () => {
    const phone = newPhone();
    await text(phone, "I smell gas in the basement!");
    const alert = await waitFor(() => slack.posts.find((p) => p.channel === ALERTS && textOf(p).includes(phone)), "the alert");
    expect(alert.text.startsWith("<!here>")).toBe(true);
    expect(textOf(alert)).toMatch(/Emergency/);
    const { root } = await threadOf(phone, 2);
    await waitFor(() => slack.thread(root.ts).some((p) => textOf(p).includes("Emergency: handed to a person")), "the handoff line");
  });

  it("a text the carrier could not deliver is an alert naming the contact and the error, once", async () => {
    const { phone, conv } = await leadWithThread();
    const ack = await waitFor(() => twilio.sent.find((m) => m.To === phone), "the acknowledgement");
    const msg = await t.ctx.prisma.message.findFirstOrThrow({ where: { conversationId: conv.id, direction: "outbound" } });
    const status = statusParams({ messageSid: ack.sid, status: "undelivered", from: ACME_NUMBER, to: phone, errorCode: "30003" });
    expect((await t.post(`/webhooks/twilio/status?m=${msg.id}`, status)).status).toBe(204);
    const alert = await waitFor(
      () => slack.posts.find((p) => p.channel === ALERTS && textOf(p).includes(phone) && textOf(p).includes("undelivered")),
      "the alert",
    );
    expect(textOf(alert)).toMatch(/not delivered[\s\S]*error 30003/);
    expect((await t.post(`/webhooks/twilio/status?m=${msg.id}`, status)).status).toBe(204); // Twilio's retry of the callback
    await settle();
    expect(slack.posts.filter((p) => p.channel === ALERTS && textOf(p).includes(phone) && textOf(p).includes("undelivered"))).toHaveLength(1);
  });
});

// Limits beyond quiet hours, end to end on the fake clock: the sending number's daily allowance
// (held to the next local day, never dropped; replies never held) and the FL/OK/MD rule of three
// marketing texts per topic per 24 hours.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sendMessage, type SendCore, type SendInput } from "../../src/messaging/send-message.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

const CAPPED_NUMBER = "+15555550120";
const CAP = 3;

let t: TestLeadline;
let businessId: string;
beforeAll(async () => {
  t = await startTestLeadline();
  businessId = await t.apply(
    acmeProfile({
      phoneNumbers: [ACME_NUMBER, CAPPED_NUMBER],
      messaging: { mps: 50, dailyCapPerNumber: CAP },
      compliance: { maxProactivePerDay: 10 },
    }),
  );
});
afterAll(() => t.close());
afterEach(() => twilio.reset());

let n = 0;
async function recipient(areaCode: string, zip: string) {
  const phone = `+1${areaCode}557${String(1000 + ++n).padStart(4, "0")}`;
  const at = t.clock.now();
  const contact = await t.ctx.prisma.contact.create({ data: { businessId, phone, zip, createdAt: at } });
  const conversation = await t.ctx.prisma.conversation.create({ data: { businessId, contactId: contact.id, businessNumber: ACME_NUMBER, createdAt: at } });
  return { phone, contactId: contact.id, conversationId: conversation.id };
}

function proactive(r: { phone: string; contactId: string; conversationId: string }, over: Partial<SendCore> & Record<string, unknown> = {}): SendInput {
  return {
    businessId,
    conversationId: r.conversationId,
    contactId: r.contactId,
    to: r.phone,
    from: ACME_NUMBER,
    body: "Spring tune-up: 10% off this month. Reply STOP to opt out.",
    author: "system",
    purpose: "campaign",
    kind: "proactive",
    ...over,
  } as SendInput;
}

const row = (id: string) => t.ctx.prisma.message.findUniqueOrThrow({ where: { id } });

describe("the sending number's daily allowance", () => {
  it("past the cap, proactive texts wait for the next local day (then quiet hours again); replies are never held", async () => {
    t.clock.set("2026-11-18T15:00:00Z"); // Wed 10:00 in New York
    const people = await Promise.all(Array.from({ length: CAP + 2 }, () => recipient("212", "10001")));
    // queued together: the delivery workers race for the number's last sends of the day
    const msgs = await Promise.all(people.map((p) => sendMessage(t.ctx, proactive(p, { from: CAPPED_NUMBER }))));
    expect(msgs.map((m) => m.status)).toEqual(people.map(() => "queued"));
    const rows = async () => Promise.all(msgs.map((m) => row(m.id)));
    await waitFor(async () => (await rows()).every((r) => r.status !== "queued" && r.status !== "sending"), "every message sent or held");
    await settle(200);
    const held = (await rows()).filter((r) => r.status === "scheduled");
    expect(twilio.sent.filter((m) => m.From === CAPPED_NUMBER)).toHaveLength(CAP);
    expect(held).toHaveLength(2);
    for (const h of held) {
      expect(h.holdReason).toBe("number-cap");
      expect(h.sendAt?.toISOString()).toBe("2026-11-19T05:00:00.000Z"); // Thu 00:00 in New York (EST)
    }

    // a reply from the same number goes at once
    const asker = await recipient("212", "10001");
    const reply = await sendMessage(
      t.ctx,
      proactive(asker, { from: CAPPED_NUMBER, purpose: "reply", kind: "reply", replyToAt: t.clock.now(), body: "Yes, 2pm works." }),
    );
    await waitFor(() => twilio.sent.some((m) => m.To === asker.phone), "the reply");
    // the fake records the request before its answer reaches the worker, which then writes the status
    await waitFor(async () => (["accepted", "sent"].includes((await row(reply.id)).status) ? true : undefined), "the reply's status");

    // midnight: released, but 00:00 is inside quiet hours → 08:00
    t.clock.set("2026-11-19T05:00:00Z");
    await t.ll.sweep();
    await waitFor(async () => (await Promise.all(held.map((h) => row(h.id)))).every((r) => r.holdReason === "quiet-hours"), "held again by quiet hours");
    for (const h of held) expect((await row(h.id)).sendAt?.toISOString()).toBe("2026-11-19T13:00:00.000Z");
    expect(twilio.sent.filter((m) => m.From === CAPPED_NUMBER)).toHaveLength(CAP + 1);

    // 08:00: a new day's allowance; both go, once each
    t.clock.set("2026-11-19T13:00:00Z");
    await t.ll.sweep();
    await waitFor(() => twilio.sent.filter((m) => m.From === CAPPED_NUMBER).length === CAP + 3, "the held texts");
    await t.ll.sweep();
    await settle(300);
    expect(twilio.sent.filter((m) => m.From === CAPPED_NUMBER)).toHaveLength(CAP + 3);
    expect(new Set(twilio.sent.filter((m) => m.From === CAPPED_NUMBER).map((m) => m.To)).size).toBe(CAP + 3);
  });

  it("a Redis flush mid-day does not reset the day's count: it starts again from what Postgres recorded", async () => {
    t.clock.set("2026-11-20T15:00:00Z"); // Fri 10:00
    const number = "+15555550121";
    await t.apply(
      acmeProfile({
        phoneNumbers: [ACME_NUMBER, CAPPED_NUMBER, number],
        messaging: { mps: 50, dailyCapPerNumber: CAP },
        compliance: { maxProactivePerDay: 10 },
      }),
    );
    const first = await Promise.all(Array.from({ length: CAP - 1 }, () => recipient("212", "10001")));
    for (const p of first) await sendMessage(t.ctx, proactive(p, { from: number, immediate: true }));
    expect(twilio.sent.filter((m) => m.From === number)).toHaveLength(CAP - 1);
    // the counter is gone, as after a Redis restart
    const keys = await t.ctx.queues.redis.keys(`${t.prefix}:daily:*`);
    expect(keys.length).toBeGreaterThan(0);
    await t.ctx.queues.redis.del(...keys);
    const more = await Promise.all(Array.from({ length: 2 }, () => recipient("212", "10001")));
    const results = [];
    for (const p of more) results.push(await sendMessage(t.ctx, proactive(p, { from: number, immediate: true })));
    expect(twilio.sent.filter((m) => m.From === number)).toHaveLength(CAP);
    expect((await row(results[1]!.id)).holdReason).toBe("number-cap");
  });
});

describe("Florida, Oklahoma, Maryland: at most 3 marketing texts per 24 hours on one topic", () => {
  async function consenting(areaCode: string, zip: string) {
    const r = await recipient(areaCode, zip);
    await t.ctx.prisma.consent.create({
      data: { businessId, contactId: r.contactId, scope: "marketing", basis: "form", wording: "ticked the box", grantedAt: t.clock.now() },
    });
    return r;
  }

  it("the fourth on a topic to a Miami job site waits until the first is a day old; another topic and New York are not held", async () => {
    // the number's allowance out of the way: only the topic rule may hold these
    await t.apply(acmeProfile({ messaging: { mps: 50, dailyCapPerNumber: 2000 }, compliance: { maxProactivePerDay: 10 } }));
    const miami = await consenting("305", "33101");
    const ny = await consenting("212", "10001");
    const hours = ["2026-11-23T15:00:00Z", "2026-11-23T16:00:00Z", "2026-11-23T17:00:00Z"]; // Mon 10:00-12:00 Eastern
    for (const at of hours) {
      t.clock.set(at);
      for (const r of [miami, ny]) {
        const m = await sendMessage(t.ctx, proactive(r, { scope: "marketing", topic: "spring-tune-up", immediate: true }));
        expect(m.status).toBe("queued");
      }
    }
    t.clock.set("2026-11-23T18:00:00Z");
    const fourth = await sendMessage(t.ctx, proactive(miami, { scope: "marketing", topic: "spring-tune-up" }));
    expect(fourth.status).toBe("scheduled");
    const held = await row(fourth.id);
    expect(held.holdReason).toBe("topic-cap");
    // the first went out at 15:00 (a few ms later on the flowing clock): free 24 h after it
    expect(held.sendAt!.getTime()).toBeGreaterThan(Date.parse("2026-11-24T15:00:00Z"));
    expect(held.sendAt!.getTime()).toBeLessThan(Date.parse("2026-11-24T15:00:05Z"));

    const otherTopic = await sendMessage(t.ctx, proactive(miami, { scope: "marketing", topic: "water-heater-flush" }));
    expect(otherTopic.status).toBe("queued");
    const newYork = await sendMessage(t.ctx, proactive(ny, { scope: "marketing", topic: "spring-tune-up" }));
    expect(newYork.status).toBe("queued");
    // transactional texts are not solicitations: a reminder goes too
    const reminder = await sendMessage(t.ctx, proactive(miami, { purpose: "reminder", topic: "spring-tune-up" }));
    expect(reminder.status).toBe("queued");
  });
});

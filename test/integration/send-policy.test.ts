// The send policy at the one door out, end to end: real Postgres, the real queue and worker, the
// Twilio fake at the HTTP boundary, and a fake clock that is moved (never slept on).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverMessage } from "../../src/messaging/deliver-message.ts";
import { sendMessage, type SendCore, type SendInput } from "../../src/messaging/send-message.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

let t: TestLeadline;
let businessId: string;
beforeAll(async () => {
  t = await startTestLeadline();
  businessId = await t.apply(acmeProfile());
});
afterAll(() => t.close());
afterEach(() => twilio.reset());

let n = 0;
/** a contact (job-site ZIP optional) with an open conversation */
async function recipient(areaCode: string, zip?: string) {
  const phone = `+1${areaCode}555${String(1000 + ++n).padStart(4, "0")}`;
  const at = t.clock.now();
  const contact = await t.ctx.prisma.contact.create({ data: { businessId, phone, zip: zip ?? null, createdAt: at } });
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
    body: "Time for your water heater's yearly flush? Reply to book.",
    author: "system",
    purpose: "follow-up",
    kind: "proactive",
    ...over,
  } as SendInput;
}

const row = (id: string) => t.ctx.prisma.message.findUniqueOrThrow({ where: { id } });
const textsTo = (phone: string) => twilio.sent.filter((m) => m.To === phone);

describe("quiet hours in the recipient's local time, on the one clock", () => {
  it("a proactive text at 20:59 to a Florida job site (8:00-20:00 by state law) waits for 08:00 the next day, then goes once", async () => {
    const miami = await recipient("305", "33101");
    t.clock.set("2026-11-19T01:59:00Z"); // Wed 20:59 in Miami
    const msg = await sendMessage(t.ctx, proactive(miami));
    expect(msg.status).toBe("scheduled");
    const held = await row(msg.id);
    expect(held.sendAt?.toISOString()).toBe("2026-11-19T13:00:00.000Z"); // Thu 08:00 in Miami
    expect(held.holdReason).toBe("quiet-hours");

    t.clock.set("2026-11-19T12:59:00Z"); // 07:59: not yet
    await t.ll.sweep();
    await settle(300);
    expect(textsTo(miami.phone)).toHaveLength(0);
    expect((await row(msg.id)).status).toBe("scheduled");

    t.clock.set("2026-11-19T13:00:00Z"); // 08:00
    await t.ll.sweep();
    await waitFor(() => textsTo(miami.phone).length === 1, "the held text at 08:00");
    await t.ll.sweep();
    await settle(300);
    expect(textsTo(miami.phone)).toHaveLength(1);
    expect(["accepted", "sent"]).toContain((await row(msg.id)).status);
  });

  it("New York (8:00-21:00 profile window): 20:59 goes now, 21:00 waits for 08:00", async () => {
    const ny = await recipient("212", "10001");
    t.clock.set("2026-11-19T01:59:00Z"); // 20:59 in New York
    const now = await sendMessage(t.ctx, proactive(ny, { immediate: true }));
    expect(now.status).toBe("queued");
    await waitFor(() => textsTo(ny.phone).length === 1, "the 20:59 text");

    const later = await recipient("212", "10001");
    t.clock.set("2026-11-19T02:00:00Z"); // 21:00
    const held = await sendMessage(t.ctx, proactive(later));
    expect(held.status).toBe("scheduled");
    expect((await row(held.id)).sendAt?.toISOString()).toBe("2026-11-19T13:00:00.000Z");
  });

  it("the job-site ZIP decides the zone over the business's: a Los Angeles customer of a New York plumber is not texted at 06:00 Pacific", async () => {
    const la = await recipient("212", "90012");
    t.clock.set("2026-11-18T14:00:00Z"); // 09:00 New York, 06:00 Los Angeles
    const msg = await sendMessage(t.ctx, proactive(la));
    expect(msg.status).toBe("scheduled");
    expect((await row(msg.id)).sendAt?.toISOString()).toBe("2026-11-18T16:00:00.000Z"); // 08:00 Pacific
  });

  it("an area code spanning two zones (850: Central and Eastern) waits for the window to open in both", async () => {
    const panhandle = await recipient("850");
    t.clock.set("2026-11-18T13:30:00Z"); // 07:30 Central, 08:30 Eastern
    const msg = await sendMessage(t.ctx, proactive(panhandle));
    expect(msg.status).toBe("scheduled");
    expect((await row(msg.id)).sendAt?.toISOString()).toBe("2026-11-18T14:00:00.000Z"); // 08:00 Central
  });

  it("a reply to a homeowner who just wrote at 23:30 is answered at once", async () => {
    t.clock.set("2026-11-19T04:30:00Z"); // 23:30 in New York
    const from = `+1212555${String(1000 + ++n).padStart(4, "0")}`;
    expect((await t.post("/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body: "my basement is flooding" }))).status).toBe(200);
    await waitFor(() => textsTo(from).length === 1, "the late-night answer");
    const ack = await t.ctx.prisma.message.findFirstOrThrow({ where: { toNumber: from, direction: "outbound" } });
    expect(ack.kind).toBe("reply");
  });

  it("a proactive row that waited in the queue past 21:00 is held again at delivery, not sent", async () => {
    const ny = await recipient("212", "10001");
    t.clock.set("2026-11-19T01:59:30Z"); // 20:59:30: allowed when written
    const at = t.clock.now();
    const m = await t.ctx.prisma.message.create({
      data: {
        businessId,
        conversationId: ny.conversationId,
        contactId: ny.contactId,
        direction: "outbound",
        channel: "sms",
        author: "system",
        body: "reminder",
        status: "queued",
        kind: "proactive",
        fromNumber: ACME_NUMBER,
        toNumber: ny.phone,
        createdAt: at,
      },
    });
    t.clock.set("2026-11-19T02:00:30Z"); // delivered at 21:00:30
    expect(await deliverMessage(t.ctx, m.id, { lastAttempt: false })).toEqual({ kind: "done", status: "scheduled" });
    expect(textsTo(ny.phone)).toHaveLength(0);
    expect((await row(m.id)).sendAt?.toISOString()).toBe("2026-11-19T13:00:00.000Z");
  });
});

describe("daily cap and consent", () => {
  it("the fourth proactive text within 24 hours waits until the first is a day old", async () => {
    const ny = await recipient("212", "10001");
    t.clock.set("2026-11-18T15:00:00Z"); // 10:00 New York
    const first = await sendMessage(t.ctx, proactive(ny, { body: "one", immediate: true }));
    t.clock.set("2026-11-18T16:00:00Z");
    await sendMessage(t.ctx, proactive(ny, { body: "two", immediate: true }));
    t.clock.set("2026-11-18T17:00:00Z");
    await sendMessage(t.ctx, proactive(ny, { body: "three", immediate: true }));
    expect((await row(first.id)).status).not.toBe("scheduled");
    t.clock.set("2026-11-18T18:00:00Z");
    const fourth = await sendMessage(t.ctx, proactive(ny, { body: "four" }));
    expect(fourth.status).toBe("scheduled");
    const held = await row(fourth.id);
    expect(held.holdReason).toContain("daily-cap");
    expect(held.sendAt!.getTime()).toBeGreaterThan(new Date("2026-11-19T15:00:00Z").getTime());
    expect(held.sendAt!.getTime()).toBeLessThanOrEqual(new Date("2026-11-19T15:00:01Z").getTime());
    // a reply is never capped
    const reply = await sendMessage(t.ctx, proactive(ny, { body: "sure, 2pm works", kind: "reply", replyToAt: t.clock.now() }));
    expect(reply.status).toBe("queued");
  });

  it("two proactive sends racing for the last allowed slot: one goes, one waits", async () => {
    const ny = await recipient("212", "10001");
    t.clock.set("2026-11-18T15:00:00Z");
    await sendMessage(t.ctx, proactive(ny, { body: "a" }));
    await sendMessage(t.ctx, proactive(ny, { body: "b" }));
    const [c, d] = await Promise.all([sendMessage(t.ctx, proactive(ny, { body: "c" })), sendMessage(t.ctx, proactive(ny, { body: "d" }))]);
    expect([c.status, d.status].sort()).toEqual(["queued", "scheduled"]);
  });

  it("marketing needs marketing consent; transactional does not", async () => {
    const ny = await recipient("212", "10001");
    t.clock.set("2026-11-18T15:00:00Z");
    const promo = await sendMessage(t.ctx, proactive(ny, { scope: "marketing", body: "Fall tune-up special" }));
    expect(promo.status).toBe("blocked");
    expect((await row(promo.id)).holdReason).toBe("no-consent");
    await settle(200);
    expect(textsTo(ny.phone)).toHaveLength(0);

    await t.ctx.prisma.consent.create({
      data: { businessId, contactId: ny.contactId, scope: "marketing", basis: "form", wording: "ticked the box", grantedAt: t.clock.now() },
    });
    const again = await sendMessage(t.ctx, proactive(ny, { scope: "marketing", body: "Fall tune-up special!", immediate: true }));
    expect(again.status).toBe("queued");
    await waitFor(() => textsTo(ny.phone).length === 1, "the consented promo");
  });

  it("an opted-out recipient is blocked at the door and a held message is blocked by the STOP", async () => {
    const ny = await recipient("212", "10001");
    t.clock.set("2026-11-19T03:00:00Z"); // 22:00: held
    const held = await sendMessage(t.ctx, proactive(ny));
    expect(held.status).toBe("scheduled");
    expect((await t.post("/webhooks/twilio/sms", smsParams({ from: ny.phone, to: ACME_NUMBER, body: "STOP" }))).status).toBe(200);
    await waitFor(async () => (await row(held.id)).status === "blocked", "held message blocked by STOP");
    const after = await sendMessage(t.ctx, proactive(ny));
    expect(after.status).toBe("blocked");
    t.clock.set("2026-11-19T13:00:00Z");
    await t.ll.sweep();
    await settle(300);
    expect(textsTo(ny.phone)).toHaveLength(0);
  });
});

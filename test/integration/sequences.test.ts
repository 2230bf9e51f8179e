// Sequences end to end: real Postgres, the real queue and workers, the Twilio fake at the HTTP
// boundary, the event stream, and a fake clock that is moved (never slept on) before each sweep.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchCampaign } from "../../src/campaigns/launch-campaign.ts";
import { bookAppointment } from "../../src/scheduling/book-appointment.ts";
import { cancelAppointment } from "../../src/scheduling/cancel-appointment.ts";
import { rescheduleAppointment } from "../../src/scheduling/reschedule-appointment.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

const TOKEN = "forms-token-0123456789";
const EVENTS_SECRET = "events-secret-0123456789abcdef";
const REVIEW_URL = "https://g.page/r/acme-plumbing/review";
const SERVICES = [{ key: "drain", name: "Drain cleaning", durationMinutes: 60 }];
const BOOKING = { crews: 2, bufferMinutes: 0, minNoticeHours: 1, horizonDays: 14, slotStepMinutes: 60 };
/** Mon 2026-11-30 10:00 in New York */
const MONDAY_10AM = "2026-11-30T15:00:00Z";
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let t: TestLeadline;
let businessId: string;
beforeAll(async () => {
  t = await startTestLeadline();
  t.clock.set(MONDAY_10AM);
  businessId = await t.apply(
    acmeProfile({ forms: { token: TOKEN }, events: { secret: EVENTS_SECRET }, reviewUrl: REVIEW_URL, services: SERVICES, booking: BOOKING }),
  );
});
afterAll(() => t.close());
afterEach(() => twilio.reset());

let n = 0;
const newPhone = (area = "212") => `+1${area}555${String(2000 + ++n).padStart(4, "0")}`;

async function formLead(name: string, phone: string) {
  const res = await fetch(`${t.url}/webhooks/forms/acme-plumbing`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-leadline-token": TOKEN },
    body: JSON.stringify({ name, phone, message: "Kitchen drain is slow", service: "drain" }),
  });
  expect(res.status).toBeLessThan(300);
  const contact = await waitFor(() => t.ctx.prisma.contact.findFirst({ where: { businessId, phone } }), "the form's contact");
  const enrollment = await waitFor(
    () => t.ctx.prisma.enrollment.findFirst({ where: { contactId: contact.id, sequenceKey: "new-lead-follow-up" } }),
    "the follow-up enrollment",
  );
  return { contact, enrollment };
}

async function sms(from: string, body: string) {
  const res = await t.post("/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body }));
  expect(res.status).toBe(200);
}

/** moves the clock, sweeps, and lets the deliveries reach the fake */
async function at(iso: string | number) {
  t.clock.set(typeof iso === "number" ? new Date(iso).toISOString() : iso);
  await t.ll.sweep();
  await settle(400);
  await t.ll.sweep(); // anything the first sweep released
  await settle(300);
}

const sequenceMessages = (contactId: string) =>
  t.ctx.prisma.message.findMany({ where: { contactId, enrollmentId: { not: null } }, orderBy: { createdAt: "asc" } });
const textsTo = (phone: string) => twilio.sent.filter((m) => m.To === phone).map((m) => m.Body);
const enrollment = (id: string) => t.ctx.prisma.enrollment.findUniqueOrThrow({ where: { id } });

describe("unanswered new lead", () => {
  it("follows up 15 minutes after the lead, and a reply stops the rest (nothing more, ever)", async () => {
    t.clock.set(MONDAY_10AM);
    const phone = newPhone();
    const { contact, enrollment: e } = await formLead("Ann Lee", phone);
    expect(e.status).toBe("active");
    expect(Math.abs(e.nextAt!.getTime() - (new Date(MONDAY_10AM).getTime() + 15 * MIN))).toBeLessThan(10_000);

    await at(new Date(MONDAY_10AM).getTime() + 14 * MIN);
    expect(await sequenceMessages(contact.id)).toHaveLength(0);

    await at(new Date(MONDAY_10AM).getTime() + 16 * MIN);
    await waitFor(() => textsTo(phone).some((b) => b.includes("Still need a hand with Drain cleaning")), "the 15-minute follow-up");
    expect((await sequenceMessages(contact.id)).map((m) => m.body)).toEqual([
      "Hi Ann, it's Acme Plumbing again. Still need a hand with Drain cleaning? Reply here and we'll find you a time.",
    ]);

    await sms(phone, "yes please, tomorrow morning?");
    await waitFor(async () => (await enrollment(e.id)).status === "stopped", "the reply stops the sequence");
    expect((await enrollment(e.id)).reason).toBe("replied");

    for (const later of [DAY + HOUR, 3 * DAY + HOUR, 10 * DAY]) await at(new Date(MONDAY_10AM).getTime() + later);
    expect(await sequenceMessages(contact.id)).toHaveLength(1);
  });

  it('"please stop texting me" mid-sequence: one confirmation, then nothing more', async () => {
    t.clock.set(MONDAY_10AM);
    const phone = newPhone();
    const { contact, enrollment: e } = await formLead("Bo Diaz", phone);
    await at(new Date(MONDAY_10AM).getTime() + 16 * MIN);
    await waitFor(async () => (await sequenceMessages(contact.id)).length === 1, "the first follow-up");

    await sms(phone, "please stop texting me");
    await waitFor(async () => (await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: contact.id } })).optedOutAt !== null, "the opt-out");
    await waitFor(async () => (await enrollment(e.id)).status === "stopped", "the sequence stops");
    await waitFor(() => textsTo(phone).some((b) => b.includes("unsubscribed")), "the one confirmation");
    twilio.reset();
    for (const later of [DAY + HOUR, 3 * DAY + HOUR, 5 * DAY]) await at(new Date(MONDAY_10AM).getTime() + later);
    expect(textsTo(phone)).toEqual([]);
    expect(await sequenceMessages(contact.id)).toHaveLength(1);
    const confirmations = await t.ctx.prisma.message.count({ where: { contactId: contact.id, direction: "outbound", purpose: "opt-out-confirmation" } });
    expect(confirmations).toBe(1);
  });

  it("a call with them that someone picked up ends the follow-ups", async () => {
    t.clock.set(MONDAY_10AM);
    const phone = newPhone();
    const { contact, enrollment: e } = await formLead("Al Voss", phone);
    const at0 = t.clock.now();
    await t.ctx.prisma.call.create({
      data: {
        businessId,
        contactId: contact.id,
        callSid: `CA${"0".repeat(24)}${n}`.slice(0, 34),
        fromNumber: phone,
        toNumber: ACME_NUMBER,
        status: "answered",
        createdAt: at0,
      },
    });
    await at(new Date(MONDAY_10AM).getTime() + 16 * MIN);
    expect((await enrollment(e.id)).status).toBe("stopped");
    expect((await enrollment(e.id)).reason).toBe("replied");
    expect(await sequenceMessages(contact.id)).toHaveLength(0);
  });

  it("a booking stops the follow-ups (the claim re-checks it even before the event is applied)", async () => {
    t.clock.set(MONDAY_10AM);
    const phone = newPhone();
    const { contact, enrollment: e } = await formLead("Cy Park", phone);
    const r = await bookAppointment(t.ctx, {
      businessId,
      contactId: contact.id,
      conversationId: e.conversationId,
      serviceKey: "drain",
      startAt: new Date("2026-12-02T15:00:00Z"),
    });
    expect(r.kind).toBe("booked");
    await at(new Date(MONDAY_10AM).getTime() + 16 * MIN);
    await waitFor(async () => (await enrollment(e.id)).status === "stopped", "the booking stops the follow-ups");
    expect((await enrollment(e.id)).reason).toBe("booked");
    expect((await sequenceMessages(contact.id)).filter((m) => m.purpose === "sequence" && m.body.includes("Still need"))).toHaveLength(0);
  });
});

describe("appointment reminders", () => {
  it('reminds 24 h and 2 h before; "C" confirms; a reschedule moves them; a cancel stops them', async () => {
    t.clock.set(MONDAY_10AM);
    const phone = newPhone();
    const contact = await t.ctx.prisma.contact.create({ data: { businessId, phone, name: "Dee Fox", createdAt: t.clock.now() } });
    const conv = await t.ctx.prisma.conversation.create({ data: { businessId, contactId: contact.id, businessNumber: ACME_NUMBER, createdAt: t.clock.now() } });
    const booked = await bookAppointment(t.ctx, {
      businessId,
      contactId: contact.id,
      conversationId: conv.id,
      serviceKey: "drain",
      startAt: new Date("2026-12-02T15:00:00Z"),
    });
    if (booked.kind !== "booked") throw new Error(JSON.stringify(booked));
    const e = await waitFor(
      () => t.ctx.prisma.enrollment.findFirst({ where: { contactId: contact.id, sequenceKey: "appointment-reminder" } }),
      "the reminder enrollment",
    );
    expect(e.nextAt?.toISOString()).toBe("2026-12-01T15:00:00.000Z"); // 24 h before Wed 10:00

    await at("2026-12-01T14:59:00Z");
    expect(textsTo(phone)).toEqual([]);
    await at("2026-12-01T15:00:30Z");
    await waitFor(() => textsTo(phone).length === 1, "the 24-hour reminder");
    expect(textsTo(phone)[0]).toBe("Reminder from Acme Plumbing: Drain cleaning on Wed Dec 2 at 10 AM. Reply C to confirm or R to reschedule.");

    await sms(phone, "C");
    await waitFor(async () => (await t.ctx.prisma.appointment.findUniqueOrThrow({ where: { id: booked.appointment.id } })).confirmedAt !== null, "C confirms");
    await waitFor(() => textsTo(phone).some((b) => b.startsWith("Thanks! You're confirmed for Wed Dec 2 at 10 AM")), "the confirmation");

    // moved to Thu 11:00: the 2 h reminder for Wednesday never goes; Thursday's two do
    const moved = await rescheduleAppointment(t.ctx, {
      businessId,
      contactId: contact.id,
      appointmentId: booked.appointment.id,
      startAt: new Date("2026-12-03T16:00:00Z"),
    });
    if (moved.kind !== "booked") throw new Error(JSON.stringify(moved));
    await waitFor(async () => (await enrollment(e.id)).subjectKey === moved.appointment.id, "the reminders follow the visit");
    twilio.reset();
    await at("2026-12-02T13:00:30Z"); // 2 h before the OLD time
    expect(textsTo(phone)).toEqual([]);
    await at("2026-12-02T16:00:30Z"); // 24 h before the new time
    await waitFor(() => textsTo(phone).length === 1, "the moved 24-hour reminder");
    expect(textsTo(phone)[0]).toContain("Thu Dec 3 at 11 AM");

    const cancelled = await cancelAppointment(t.ctx, { businessId, contactId: contact.id, appointmentId: moved.appointment.id });
    expect(cancelled.kind).toBe("cancelled");
    await waitFor(async () => (await enrollment(e.id)).status === "stopped", "a cancel stops the reminders");
    await at("2026-12-03T14:00:30Z"); // 2 h before the cancelled visit
    expect(textsTo(phone)).toHaveLength(1);
  });
});

describe("answering a reminder with R", () => {
  it("with no model, hands the reschedule to a person and says so", async () => {
    t.clock.set(MONDAY_10AM);
    const phone = newPhone();
    const contact = await t.ctx.prisma.contact.create({ data: { businessId, phone, name: "Eli Moss", createdAt: t.clock.now() } });
    const conv = await t.ctx.prisma.conversation.create({ data: { businessId, contactId: contact.id, businessNumber: ACME_NUMBER, createdAt: t.clock.now() } });
    const booked = await bookAppointment(t.ctx, {
      businessId,
      contactId: contact.id,
      conversationId: conv.id,
      serviceKey: "drain",
      startAt: new Date("2026-12-02T16:00:00Z"),
    });
    if (booked.kind !== "booked") throw new Error(JSON.stringify(booked));
    await waitFor(
      () => t.ctx.prisma.enrollment.findFirst({ where: { contactId: contact.id, sequenceKey: "appointment-reminder" } }),
      "the reminder enrollment",
    );
    await at("2026-12-01T16:00:30Z");
    await waitFor(() => textsTo(phone).length === 1, "the 24-hour reminder");

    await sms(phone, "R");
    await waitFor(
      () => textsTo(phone).some((b) => b === "No problem. Someone from Acme Plumbing will text you shortly to find a new time."),
      "the hand-off text",
    );
    await waitFor(() => t.ctx.prisma.conversation.findFirst({ where: { id: conv.id, handledBy: "human" } }), "a person takes it");
    // the visit stands until the person moves it
    expect((await t.ctx.prisma.appointment.findUniqueOrThrow({ where: { id: booked.appointment.id } })).status).toBe("booked");
  });
});

describe("marketing needs consent", () => {
  it("a campaign skips contacts without marketing consent (and says why); the consented get it, with opt-out wording", async () => {
    t.clock.set(MONDAY_10AM);
    const now = t.clock.now();
    const yes = newPhone();
    const no = newPhone();
    const a = await t.ctx.prisma.contact.create({ data: { businessId, phone: yes, name: "Eve Gold", tags: ["furnace"], createdAt: now } });
    await t.ctx.prisma.contact.create({ data: { businessId, phone: no, name: "Finn Hale", tags: ["furnace"], createdAt: now } });
    await t.ctx.prisma.consent.create({
      data: { businessId, contactId: a.id, scope: "marketing", basis: "import", wording: "signed up at the counter", grantedAt: now },
    });

    const dry = await launchCampaign(t.ctx, { slug: "acme-plumbing", sequence: "seasonal-reactivation", segment: "tag:furnace", dryRun: true });
    expect(dry.enrolled).toBe(1);
    expect(dry.skipped).toEqual({ "no-consent": 1 });
    expect(dry.lines.find((l) => l.includes(no))).toMatch(/^skip .*no-consent/);
    expect(dry.lines.find((l) => l.includes(yes))).toMatch(/^send .* at Mon Nov 30, 10:00 AM EST: "Hi Eve, it's Acme Plumbing\./);
    expect(await t.ctx.prisma.campaign.count()).toBe(0);

    await expect(launchCampaign(t.ctx, { slug: "acme-plumbing", sequence: "appointment-reminder", dryRun: true })).rejects.toThrow(
      /starts on appointment\.booked, not by a campaign/,
    );
    await expect(launchCampaign(t.ctx, { slug: "acme-plumbing", sequence: "no-such-sequence", dryRun: true })).rejects.toThrow(
      /no sequence "no-such-sequence"/,
    );
    await expect(launchCampaign(t.ctx, { slug: "acme-plumbing", sequence: "seasonal-reactivation", segment: "tag:", dryRun: true })).rejects.toThrow(
      /--segment/,
    );
    const launched = await launchCampaign(t.ctx, { slug: "acme-plumbing", sequence: "seasonal-reactivation", segment: "tag:furnace", dryRun: false });
    expect(launched.enrolled).toBe(1);
    await at(MONDAY_10AM);
    await waitFor(() => textsTo(yes).length === 1, "the consented contact's text");
    expect(textsTo(yes)[0]).toContain("Reply STOP to opt out.");
    expect(textsTo(no)).toEqual([]);
    const skipped = await t.ctx.prisma.enrollment.findFirstOrThrow({ where: { campaignId: launched.campaignId!, status: "skipped" } });
    expect(skipped.reason).toBe("no-consent");
  });
});

async function workEvent(body: object) {
  const res = await fetch(`${t.url}/webhooks/events/acme-plumbing`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-leadline-token": EVENTS_SECRET },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as { workEventId: string };
}

describe("review requests", () => {
  it("go to every customer 2 h after the job (no gating); the click is tracked and ends it; a complaint goes to the office; the rest get one reminder", async () => {
    t.clock.set(MONDAY_10AM);
    const happy = newPhone();
    const unhappy = newPhone();
    const quiet = newPhone();
    for (const [i, phone] of [happy, unhappy, quiet].entries()) {
      await workEvent({ type: "job.completed", externalId: `JOB-R${n}-${i}`, contact: { phone, name: ["Gus Ives", "Hal Jury", "Ida Kemp"][i] } });
    }
    const contacts = await Promise.all(
      [happy, unhappy, quiet].map((p) => waitFor(() => t.ctx.prisma.contact.findFirst({ where: { businessId, phone: p } }), p)),
    );
    for (const c of contacts) {
      await waitFor(() => t.ctx.prisma.enrollment.findFirst({ where: { contactId: c.id, sequenceKey: "review-request" } }), "review enrollment");
    }
    await at(new Date(MONDAY_10AM).getTime() + 2 * HOUR + MIN);
    await waitFor(() => [happy, unhappy, quiet].every((p) => textsTo(p).length === 1), "every customer asked, whatever they think");
    const link = /https:\/\/leadline\.test\/r\/([\w-]+)/.exec(textsTo(happy)[0]!)?.[1];
    expect(textsTo(happy)[0]).toMatch(/^Thanks for choosing Acme Plumbing, Gus! Would you leave us a quick review\? https:\/\/leadline\.test\/r\//);

    // the happy one clicks: recorded, redirected to the real review page, and no reminder
    const click = await fetch(`${t.url}/r/${link}`, { redirect: "manual" });
    expect(click.status).toBe(302);
    expect(click.headers.get("location")).toBe(REVIEW_URL);
    const row = await t.ctx.prisma.reviewLink.findUniqueOrThrow({ where: { token: link! } });
    expect(row.clicks).toBe(1);
    expect(row.firstClickedAt).not.toBeNull();
    expect((await fetch(`${t.url}/r/not-a-real-token-000`, { redirect: "manual" })).status).toBe(404);
    expect((await fetch(`${t.url}/r/..%2F..%2Fadmin`, { redirect: "manual" })).status).toBe(404);

    // the unhappy one answers with a complaint: the office hears of it and the AI steps back
    await sms(unhappy, "Honestly not happy, the sink is still leaking");
    await waitFor(() => t.ctx.prisma.alert.findFirst({ where: { businessId, kind: "complaint" } }), "the complaint alert");
    await waitFor(
      () => t.ctx.prisma.conversation.findFirst({ where: { contactId: contacts[1]!.id, status: "open", handledBy: "human" } }),
      "the AI steps back",
    );

    await at(new Date(MONDAY_10AM).getTime() + 3 * DAY + 2 * HOUR + MIN);
    await waitFor(() => textsTo(quiet).length === 2, "the one reminder");
    expect(textsTo(quiet)[1]).toContain(`/r/${/\/r\/([\w-]+)/.exec(textsTo(quiet)[0]!)![1]}`); // the same tracked link
    await at(new Date(MONDAY_10AM).getTime() + 10 * DAY);
    expect(textsTo(happy)).toHaveLength(1);
    expect(textsTo(quiet)).toHaveLength(2);
    expect((await sequenceMessages(contacts[1]!.id)).length).toBe(1);
  });
});

describe("unsold estimate", () => {
  it("follows up on day 2 and stops when the estimate is accepted", async () => {
    t.clock.set(MONDAY_10AM);
    const phone = newPhone();
    await workEvent({ type: "estimate.sent", externalId: "EST-77", contact: { phone, name: "Jo Lam" }, amount: 1250 });
    const c = await waitFor(() => t.ctx.prisma.contact.findFirst({ where: { businessId, phone } }), "contact");
    const e = await waitFor(() => t.ctx.prisma.enrollment.findFirst({ where: { contactId: c.id, sequenceKey: "unsold-estimate" } }), "estimate enrollment");
    await at(new Date(MONDAY_10AM).getTime() + 2 * DAY + MIN);
    await waitFor(() => textsTo(phone).length === 1, "the day-2 follow-up");
    await workEvent({ type: "estimate.accepted", externalId: "EST-77", contact: { phone } });
    await waitFor(async () => (await enrollment(e.id)).status === "stopped", "accepted stops it");
    expect((await enrollment(e.id)).reason).toBe("estimate-accepted");
    await at(new Date(MONDAY_10AM).getTime() + 21 * DAY);
    expect(textsTo(phone)).toHaveLength(1);
  });
});

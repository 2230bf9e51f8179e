// The morning digest and the "waiting for a person" alert, both driven by the sweep and the one
// clock (moved by the test, no sleeping). Fake Slack at the HTTP boundary.
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

const CHANNEL = "C0LEADS003";
const ALERTS = "C0ALERTS03";
const LATE_CHANNEL = "C0LATE0003";

let t: TestLeadline;
let acme: string;
beforeAll(async () => {
  t = await startTestLeadline({ env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: SLACK_BASE } });
  acme = await t.apply(acmeProfile({ slack: { channel: CHANNEL, alertsChannel: ALERTS, digestHour: 7, unansweredMinutes: 10 } }));
  // a second business whose morning starts later: its digest must wait for its own hour
  await t.apply(
    acmeProfile({ slug: "late-co", name: "Late Co", phoneNumbers: ["+15555550400"], numberSources: {}, slack: { channel: LATE_CHANNEL, digestHour: 9 } }),
  );
});
afterEach(() => twilio.reset());
afterAll(() => t.close());

const at = (iso: string) => new Date(iso);
let n = 0;

async function contact(businessId: string) {
  return t.ctx.prisma.contact.create({ data: { businessId, phone: `+1646555${String(1000 + ++n)}`, createdAt: at("2026-11-10T12:00:00Z") } });
}

/** a lead that arrived at `createdAt` and was first answered `seconds` later */
async function lead(source: string, createdAt: string, seconds: number) {
  const c = await contact(acme);
  const created = at(createdAt);
  await t.ctx.prisma.lead.create({
    data: { businessId: acme, contactId: c.id, source, channel: "sms", createdAt: created, firstResponseAt: new Date(created.getTime() + seconds * 1000) },
  });
}

describe("the daily digest", () => {
  it("posts yesterday's numbers at the business's digest hour, once a day, in its own zone", async () => {
    // Tue Nov 17 in New York is [05:00Z Nov 17, 05:00Z Nov 18)
    await lead("google-lsa", "2026-11-17T14:00:00Z", 4);
    await lead("website", "2026-11-17T16:00:00Z", 10);
    await lead("google-lsa", "2026-11-18T04:30:00Z", 20); // 23:30 on the 17th in New York
    await lead("google-lsa", "2026-11-17T04:30:00Z", 1); // the 16th in New York: not yesterday
    await lead("website", "2026-11-18T06:00:00Z", 1); // today

    const callers = [await contact(acme), await contact(acme)];
    const conv = await t.ctx.prisma.conversation.create({ data: { businessId: acme, contactId: callers[0]!.id, createdAt: at("2026-11-17T15:00:00Z") } });
    for (const [i, c] of callers.entries())
      await t.ctx.prisma.call.create({
        data: {
          businessId: acme,
          contactId: c.id,
          callSid: `CAdigest${i}`,
          fromNumber: c.phone!,
          toNumber: ACME_NUMBER,
          status: "missed",
          createdAt: at("2026-11-17T15:00:00Z"),
        },
      });
    await t.ctx.prisma.message.create({
      data: {
        businessId: acme,
        conversationId: conv.id,
        contactId: callers[0]!.id,
        direction: "outbound",
        channel: "sms",
        author: "template",
        body: "Sorry we missed your call",
        status: "delivered",
        purpose: "textback",
        dedupeKey: "textback-CAdigest0",
        createdAt: at("2026-11-17T15:00:01Z"),
      },
    });

    const booked = await contact(acme);
    const visit = (createdAt: string, startAt: string, crew: number) => ({
      businessId: acme,
      contactId: booked.id,
      serviceKey: "drain-cleaning",
      crew,
      startAt: at(startAt),
      endAt: new Date(at(startAt).getTime() + 90 * 60_000),
      busyUntil: new Date(at(startAt).getTime() + 120 * 60_000),
      createdAt: at(createdAt),
    });
    await t.ctx.prisma.appointment.create({ data: visit("2026-11-17T18:00:00Z", "2026-11-20T15:00:00Z", 1) });
    await t.ctx.prisma.appointment.create({ data: visit("2026-11-16T18:00:00Z", "2026-11-21T15:00:00Z", 1) }); // the day before

    const work = (type: string, externalId: string, amountCents: number | null, receivedAt: string) =>
      t.ctx.prisma.workEvent.create({
        data: { businessId: acme, type, externalId, contactId: booked.id, amountCents, payload: {}, receivedAt: at(receivedAt) },
      });
    await work("invoice.paid", "inv-1", 45_000, "2026-11-17T20:00:00Z");
    await work("invoice.paid", "inv-2", 12_550, "2026-11-17T21:00:00Z");
    await work("estimate.sent", "est-1", 99_900, "2026-11-17T21:00:00Z");
    await work("invoice.paid", "inv-0", 70_000, "2026-11-16T21:00:00Z");

    const link = (token: string, createdAt: string, firstClickedAt: string | null) =>
      t.ctx.prisma.reviewLink.create({
        data: {
          businessId: acme,
          contactId: booked.id,
          token,
          url: "https://g.page/r/EXAMPLE/review",
          createdAt: at(createdAt),
          firstClickedAt: firstClickedAt ? at(firstClickedAt) : null,
        },
      });
    await link("tok-a", "2026-11-17T13:00:00Z", "2026-11-17T19:00:00Z");
    await link("tok-b", "2026-11-17T13:00:00Z", null);
    await link("tok-c", "2026-11-15T13:00:00Z", "2026-11-17T22:00:00Z");

    t.clock.set("2026-11-18T11:30:00Z"); // 06:30 in New York: too early
    await t.ll.sweep();
    expect(slack.posts.filter((p) => p.channel === CHANNEL)).toHaveLength(0);

    t.clock.set("2026-11-18T12:05:00Z"); // 07:05
    expect((await t.ll.sweep()).slack.digests).toBe(1);
    const digest = slack.posts.filter((p) => p.channel === CHANNEL);
    expect(digest).toHaveLength(1);
    const body = textOf(digest[0]!);
    expect(body).toContain("Tue, Nov 17");
    expect(body).toContain("*Leads:* 3 (google-lsa 2, website 1)");
    expect(body).toContain("*Median speed to lead:* 10 s");
    expect(body).toContain("*Missed calls recovered:* 1 of 2");
    expect(body).toContain("*Booked:* 1");
    expect(body).toContain("*Revenue:* $575.50");
    expect(body).toContain("*Reviews:* 2 requested, 2 clicked");
    // Late Co's morning has not come yet
    expect(slack.posts.filter((p) => p.channel === LATE_CHANNEL)).toHaveLength(0);

    t.clock.set("2026-11-18T20:00:00Z");
    expect((await t.ll.sweep()).slack.digests).toBe(1); // Late Co only
    expect(slack.posts.filter((p) => p.channel === CHANNEL)).toHaveLength(1);
    expect(slack.posts.filter((p) => p.channel === LATE_CHANNEL)).toHaveLength(1);
    expect(await t.ctx.prisma.onceMark.count({ where: { key: `slack:digest:${acme}:2026-11-18` } })).toBe(1);
  });

  it("a digest Slack could not take is posted by a later sweep, still once", async () => {
    t.clock.set("2026-11-19T12:10:00Z");
    slack.failNext({ kind: "5xx", status: 503 }, "chat.postMessage");
    expect((await t.ll.sweep()).slack.digests).toBe(0); // Late Co's hour has not come; Acme's post failed
    const acmeDigests = () => slack.posts.filter((p) => p.channel === CHANNEL && p.text.includes("yesterday"));
    expect(acmeDigests()).toHaveLength(1); // yesterday's only
    t.clock.advance(60_000);
    await t.ll.sweep();
    expect(acmeDigests()).toHaveLength(2);
    await t.ll.sweep();
    expect(acmeDigests()).toHaveLength(2);
  });
});

describe("a lead waiting for a person", () => {
  it("with the AI off, a homeowner nobody answered for unansweredMinutes raises one alert in the alerts channel", async () => {
    await t.apply(
      acmeProfile({ ai: { enabled: false, debounceSeconds: 0 }, slack: { channel: CHANNEL, alertsChannel: ALERTS, digestHour: 7, unansweredMinutes: 10 } }),
    );
    t.clock.set("2026-11-20T15:00:00Z");
    const phone = "+12125559911";
    await t.post("/webhooks/twilio/sms", smsParams({ from: phone, to: ACME_NUMBER, body: "Need someone to look at my boiler" }));
    await waitFor(() => twilio.sent.some((m) => m.To === phone), "the template acknowledgement");
    t.clock.advance(9 * 60_000);
    expect((await t.ll.sweep()).slack.unanswered).toBe(0);
    t.clock.advance(2 * 60_000);
    expect((await t.ll.sweep()).slack.unanswered).toBe(1);
    const alert = await waitFor(() => slack.posts.find((p) => p.channel === ALERTS && textOf(p).includes(phone)), "the alert");
    expect(textOf(alert)).toMatch(/waited 11 min for a person/);
    expect(alert.text.startsWith("<!here>")).toBe(false);
    t.clock.advance(5 * 60_000);
    expect((await t.ll.sweep()).slack.unanswered).toBe(0);
    await settle();
    expect(slack.posts.filter((p) => p.channel === ALERTS && textOf(p).includes(phone))).toHaveLength(1);
  });
});

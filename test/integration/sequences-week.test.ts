// A simulated week of a campaign over 10,000 contacts spread over every US zone (and some whose job
// site and phone disagree), on the fake clock moved an hour at a time: nothing reaches a phone
// outside the recipient's window, every step goes exactly once. Then Redis is flushed mid-week
// under a running worker: steps are delayed, never dropped or doubled.
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchCampaign } from "../../src/campaigns/launch-campaign.ts";
import { windowForStates } from "../../src/messaging/policy/quiet-hours.ts";
import { resolveRecipientPlace } from "../../src/messaging/policy/resolve-recipient-place.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { acmeProfile, deleteRedisPrefix, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

/** [area code, job-site ZIP or null]: NY, FL, OK, MD, IL, CO, AZ (no DST), CA, AK, HI, and mismatches */
const PLACES: [string, string | null][] = [
  ["212", "10001"],
  ["305", "33101"],
  ["405", "73102"],
  ["410", "21201"],
  ["312", "60601"],
  ["303", "80202"],
  ["602", "85004"],
  ["415", "94103"],
  ["907", "99501"],
  ["808", "96813"],
  ["212", "90012"], // a New York phone, a Los Angeles job: the job site's zone counts
  ["305", null], // Florida by area code only
  ["808", "10001"], // Honolulu phone, Manhattan job
];
const HOUR = 3_600_000;
/** Sun 2026-11-29 22:00 in New York: everyone is asleep or about to be */
const LAUNCH = "2026-11-30T03:00:00Z";

let t: TestLeadline;
let businessId: string;
beforeAll(async () => {
  t = await startTestLeadline();
  t.clock.set(LAUNCH);
  businessId = await t.apply(acmeProfile({ messaging: { mps: 500, dailyCapPerNumber: 100_000 } }));
});
afterAll(() => t.close());

async function addContacts(count: number, tag: string, offset = 0, base = 2_000_000) {
  const now = t.clock.now();
  const rows = Array.from({ length: count }, (_, i) => {
    const [area, zip] = PLACES[(i + offset) % PLACES.length]!;
    return {
      id: `c${tag}${String(i).padStart(8, "0")}`.padEnd(25, "0"),
      businessId,
      phone: `+1${area}${String(base + i).slice(-7)}`,
      zip,
      tags: [tag],
      createdAt: now,
    };
  });
  for (let i = 0; i < rows.length; i += 2000) await t.ctx.prisma.contact.createMany({ data: rows.slice(i, i + 2000) });
  const consents = rows.map((r) => ({
    businessId,
    contactId: r.id,
    scope: "marketing",
    basis: "import",
    wording: "signed up for seasonal offers",
    grantedAt: now,
  }));
  for (let i = 0; i < consents.length; i += 2000) await t.ctx.prisma.consent.createMany({ data: consents.slice(i, i + 2000) });
  return rows;
}

/** sweeps until nothing is due; then (deliver) waits for every queued message to be handed over */
async function runHour(deliver: boolean) {
  for (let i = 0; i < 100; i++) {
    const r = await t.ll.sweep();
    if (r.sequences.due === 0) break;
  }
  if (deliver) {
    try {
      // the sweep keeps running meanwhile, as its timer does in production (it re-queues what Redis lost)
      await waitFor(
        async () => {
          await t.ll.sweep();
          return (await t.ctx.prisma.message.count({ where: { status: { in: ["queued", "sending"] } } })) === 0;
        },
        "the hour's sends",
        60_000,
      );
    } catch (e) {
      const counts = await t.ctx.prisma.message.groupBy({ by: ["status", "purpose"], _count: true });
      const jobs = await Promise.all(Object.entries(t.ctx.queues.byName).map(async ([k, q]) => [k, await q.getJobCounts(), await q.isPaused()]));
      throw new Error(`${(e as Error).message}: ${JSON.stringify(counts)} ${JSON.stringify(jobs)}`);
    }
  }
}

/**
 * Every message's moment — when it reached the phone (sentAt), or, with deliveries held back, when
 * it was let go to the sender (its release time after a hold, else when it was written) — in every
 * zone the recipient may be in, inside their legal window.
 */
async function outsideWindow(moment: "sent" | "released", contactIds?: string[]) {
  const profile = acmeProfile();
  const rows = await t.ctx.prisma.message.findMany({
    where: {
      businessId,
      enrollmentId: { not: null },
      ...(moment === "sent" ? { sentAt: { not: null } } : {}),
      ...(contactIds ? { contactId: { in: contactIds } } : {}),
    },
    select: { sentAt: true, sendAt: true, createdAt: true, status: true, contact: { select: { zip: true, phone: true } } },
  });
  const bad: string[] = [];
  for (const m of rows) {
    // let go: when a held row was released (its sendAt), else when it was written
    const at = moment === "sent" ? m.sentAt! : (m.sendAt ?? m.createdAt);
    const place = resolveRecipientPlace({ zip: m.contact.zip, phone: m.contact.phone, businessZone: profile.timezone });
    const w = windowForStates(place.states, { start: "08:00", end: "21:00" });
    for (const zone of place.zones) {
      const local = DateTime.fromJSDate(at, { zone }).toFormat("HH:mm");
      if (local < w.start || local >= w.end) bad.push(`${m.contact.phone} ${m.contact.zip ?? ""} ${m.status} at ${local} ${zone}`);
    }
  }
  return { count: rows.length, statuses: new Set(rows.map((r) => r.status)), bad };
}

describe("a week of a 10,000-contact campaign", () => {
  it("lets nothing go outside any recipient's window, and every due step exactly once", async () => {
    // The engine and the door decide when each step may go. So that 20,000 texts fit in a test, the
    // sender is stood in for: at the end of each hour, what the door let go is marked handed over at
    // that moment (the real sender, with its own re-check of the window, runs in the flush test below).
    await t.ctx.queues.byName.bulk.pause();
    const contacts = await addContacts(Number(process.env.WEEK_CONTACTS ?? 10_000), "week");
    const launched = await launchCampaign(t.ctx, { slug: "acme-plumbing", sequence: "seasonal-reactivation", segment: "tag:week", dryRun: false });
    expect(launched.enrolled).toBe(contacts.length);

    const start = new Date(LAUNCH).getTime();
    for (let h = 0; h <= 7 * 24; h++) {
      t.clock.set(new Date(start + h * HOUR).toISOString());
      await runHour(false);
      await t.ctx.prisma.message.updateMany({ where: { businessId, status: "queued" }, data: { status: "accepted", sentAt: t.clock.now() } });
    }
    const { count, statuses, bad } = await outsideWindow("released");
    expect(bad.slice(0, 10)).toEqual([]);
    // the first step (day 0) written once for each and let go (none still held, none blocked); the
    // second (day 7, launched at 22:00 on a Sunday) waits for Monday morning, beyond the week
    expect(count).toBe(contacts.length);
    expect([...statuses]).toEqual(["accepted"]);
    const perContact = await t.ctx.prisma.message.groupBy({ by: ["contactId"], where: { businessId, enrollmentId: { not: null } }, _count: true });
    expect(perContact.filter((g) => g._count !== 1)).toEqual([]);
    const waiting = await t.ctx.prisma.enrollment.findMany({ where: { campaignId: launched.campaignId! }, select: { status: true, step: true, nextAt: true } });
    expect(waiting.filter((w) => w.status !== "active" || w.step !== 1 || w.nextAt! <= t.clock.now())).toEqual([]);
    expect(twilio.sent).toHaveLength(0);
    // clean-up for the next test: the stood-in sender's jobs go, and the week's campaign ends here
    await t.ctx.queues.byName.bulk.drain(true);
    await t.ctx.queues.byName.bulk.resume();
    await t.ctx.prisma.enrollment.updateMany({ where: { campaignId: launched.campaignId! }, data: { status: "stopped", reason: "test-over", nextAt: null } });
  }, 600_000);

  it("a Redis flush mid-week (under the running worker) delays steps, never drops or doubles them", async () => {
    twilio.reset();
    t.clock.set(LAUNCH);
    const contacts = await addContacts(200, "flush", 3, 3_000_000);
    const launched = await launchCampaign(t.ctx, { slug: "acme-plumbing", sequence: "seasonal-reactivation", segment: "tag:flush", dryRun: false });
    expect(launched.enrolled).toBe(200);
    const start = new Date(LAUNCH).getTime();
    // the two sending days, an hour at a time (the days between send nothing: the week test covers them)
    const hours = [...Array.from({ length: 24 }, (_, h) => h), ...Array.from({ length: 25 }, (_, h) => 7 * 24 + h)];
    for (const h of hours) {
      t.clock.set(new Date(start + h * HOUR).toISOString());
      // at every sending hour, the queue is wiped right after the sweep wrote and queued the hour's texts
      const r = await t.ll.sweep();
      if (r.sequences.sent > 0) await deleteRedisPrefix(t.prefix);
      await settle(50);
      t.clock.set(new Date(start + h * HOUR + 60_000).toISOString());
      await runHour(true);
    }
    const ids = contacts.map((c) => c.id);
    const { count, bad } = await outsideWindow("sent", ids);
    expect(bad).toEqual([]);
    expect(count).toBe(400);
    const phones = new Set(contacts.map((c) => c.phone));
    const mine = twilio.sent.filter((m) => phones.has(m.To));
    expect(mine).toHaveLength(400);
    expect(new Set(mine.map((m) => `${m.To}|${m.Body}`)).size).toBe(400);
  }, 300_000);
});

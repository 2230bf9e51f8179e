// Booking against real Postgres: the exclusion constraint per crew decides races, a retry books
// once, reschedule/cancel only by the visit's own contact, and the admin list in the business's zone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookAppointmentTool } from "../../src/agent/tools/book-appointment-tool.ts";
import { createAdminToken } from "../../src/console/require-admin.ts";
import { bookAppointment, type BookingRequest, type BookingResult } from "../../src/scheduling/book-appointment.ts";
import { cancelAppointment } from "../../src/scheduling/cancel-appointment.ts";
import { recordOfferedSlots } from "../../src/scheduling/record-offered-slots.ts";
import { rescheduleAppointment, type RescheduleResult } from "../../src/scheduling/reschedule-appointment.ts";
import { acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";

let t: TestLeadline;
let acmeId: string;
let betaId: string;
let plainId: string;

const SERVICES = [
  { key: "drain", name: "Drain cleaning", durationMinutes: 60, aliases: ["clog"] },
  { key: "heater", name: "Water heater install", durationMinutes: 120 },
];
// weekdays 08:00-17:00 (Fri 16:00) New York; hourly slots; a 30-minute buffer after each visit
const BOOKING = { crews: 1, bufferMinutes: 30, minNoticeHours: 2, horizonDays: 14, slotStepMinutes: 60 };
/** Mon 2026-11-30 07:00 EST */
const NOW = "2026-11-30T12:00:00Z";
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  t = await startTestLeadline();
  t.clock.set(NOW);
  acmeId = await t.apply(acmeProfile({ booking: BOOKING, services: SERVICES }));
  betaId = await t.apply(
    acmeProfile({
      slug: "beta-hvac",
      name: "Beta HVAC",
      phoneNumbers: ["+15555550300"],
      numberSources: {},
      booking: { ...BOOKING, crews: 2 },
      services: SERVICES,
    }),
  );
  plainId = await t.apply(acmeProfile({ slug: "plain-co", name: "Plain Co", phoneNumbers: ["+15555550400"], numberSources: {}, services: SERVICES }));
});
afterAll(() => t.close());

let phones = 0;
async function homeowner(businessId: string) {
  const now = t.clock.now();
  const contact = await t.ctx.prisma.contact.create({
    data: { businessId, phone: `+1212555${String(7000 + ++phones)}`, name: `Homeowner ${phones}`, createdAt: now },
  });
  const conversation = await t.ctx.prisma.conversation.create({ data: { businessId, contactId: contact.id, createdAt: now } });
  return { businessId, contactId: contact.id, conversationId: conversation.id };
}
type Who = Awaited<ReturnType<typeof homeowner>>;

const book = (who: Who, startAt: string, over: Partial<BookingRequest> = {}) =>
  bookAppointment(t.ctx, { ...who, serviceKey: "drain", startAt: at(startAt), ...over });

function booked(r: BookingResult | RescheduleResult) {
  if (r.kind !== "booked") throw new Error(`expected booked, got ${JSON.stringify(r)}`);
  return r.appointment;
}
const events = (type: string, subject: string) => t.ctx.prisma.domainEvent.findMany({ where: { type, subject }, orderBy: { seq: "asc" } });
const iso = (slots: { startAt: Date }[]) => slots.map((s) => s.startAt.toISOString());

describe("booking a slot", () => {
  it("books: one row on crew 1 (end = start + duration, busy until end + buffer) and appointment.booked beside it", async () => {
    const who = await homeowner(acmeId);
    const a = booked(await book(who, "2026-12-01T15:00:00Z", { address: "1 Main St", zip: "10001", notes: "kitchen sink" }));
    const row = await t.ctx.prisma.appointment.findUniqueOrThrow({ where: { id: a.id } });
    expect(row).toMatchObject({
      businessId: acmeId,
      contactId: who.contactId,
      conversationId: who.conversationId,
      serviceKey: "drain",
      crew: 1,
      status: "booked",
      startAt: at("2026-12-01T15:00:00Z"),
      endAt: at("2026-12-01T16:00:00Z"),
      busyUntil: at("2026-12-01T16:30:00Z"),
      address: "1 Main St",
      zip: "10001",
      dedupeKey: `appt-${who.conversationId}-drain-2026-12-01T15:00:00.000Z`,
    });
    const [e, ...more] = await events("appointment.booked", who.conversationId);
    expect(more).toEqual([]);
    expect(e!.payload).toEqual({
      appointmentId: a.id,
      conversationId: who.conversationId,
      contactId: who.contactId,
      serviceKey: "drain",
      startAt: "2026-12-01T15:00:00.000Z",
      endAt: "2026-12-01T16:00:00.000Z",
      crew: 1,
    });
  });

  it("the same request twice, one after the other and two at once, makes one appointment and one event", async () => {
    const who = await homeowner(acmeId);
    const first = booked(await book(who, "2026-12-02T15:00:00Z"));
    const again = booked(await book(who, "2026-12-02T15:00:00Z"));
    expect(again.id).toBe(first.id);
    const [x, y] = await Promise.all([book(who, "2026-12-02T19:00:00Z"), book(who, "2026-12-02T19:00:00Z")]);
    expect(booked(x).id).toBe(booked(y).id);
    expect(await t.ctx.prisma.appointment.count({ where: { conversationId: who.conversationId } })).toBe(2);
    expect(await events("appointment.booked", who.conversationId)).toHaveLength(2);
  });

  it("two homeowners racing for the last slot of the day with crews 1: one books, the other is taken with the next free slots (recorded as offered)", async () => {
    const [ann, bob] = [await homeowner(acmeId), await homeowner(acmeId)];
    // Thu Dec 3 16:00 EST: the day's last start (closing 17:00)
    const results = await Promise.all([book(ann, "2026-12-03T21:00:00Z"), book(bob, "2026-12-03T21:00:00Z")]);
    expect(results.map((r) => r.kind).sort()).toEqual(["booked", "taken"]);
    const loser = results[0].kind === "taken" ? ann : bob;
    const taken = results.find((r) => r.kind === "taken")!;
    if (taken.kind !== "taken") throw new Error("unreachable");
    // Fri Dec 4 08:00, 09:00, 10:00 EST
    expect(iso(taken.alternatives)).toEqual(["2026-12-04T13:00:00.000Z", "2026-12-04T14:00:00.000Z", "2026-12-04T15:00:00.000Z"]);
    const offered = await t.ctx.prisma.offeredSlot.findMany({ where: { conversationId: loser.conversationId }, orderBy: { startAt: "asc" } });
    expect(iso(offered)).toEqual(iso(taken.alternatives));
    expect(await t.ctx.prisma.appointment.count({ where: { businessId: acmeId, startAt: at("2026-12-03T21:00:00Z"), status: "booked" } })).toBe(1);
  });

  it("ten racing for one crew-time: exactly one wins", async () => {
    const people = await Promise.all(Array.from({ length: 10 }, () => homeowner(acmeId)));
    const results = await Promise.all(people.map((p) => book(p, "2026-12-03T15:00:00Z")));
    expect(results.filter((r) => r.kind === "booked")).toHaveLength(1);
    expect(results.filter((r) => r.kind === "taken")).toHaveLength(9);
  });

  it("crews 2: two bookings of one slot (crews 1 and 2), the third refused", async () => {
    const people = [await homeowner(betaId), await homeowner(betaId), await homeowner(betaId)];
    const results = await Promise.all(people.map((p) => book(p, "2026-12-01T15:00:00Z")));
    const wins = results.filter((r) => r.kind === "booked").map((r) => booked(r).crew);
    expect(wins.sort()).toEqual([1, 2]);
    const lost = results.find((r) => r.kind === "taken");
    expect(lost?.kind === "taken" && iso(lost.alternatives)).toEqual(["2026-12-01T17:00:00.000Z", "2026-12-01T18:00:00.000Z", "2026-12-01T19:00:00.000Z"]);
  });

  it("requireOffered: a slot never offered in the conversation is refused; once offered it books", async () => {
    const who = await homeowner(acmeId);
    expect(await book(who, "2026-12-07T14:00:00Z", { requireOffered: true })).toEqual({ kind: "not-offered" });
    // offered in another conversation does not count
    const other = await homeowner(acmeId);
    const slot = { startAt: at("2026-12-07T14:00:00Z"), endAt: at("2026-12-07T15:00:00Z") };
    await recordOfferedSlots(t.ctx.prisma, { businessId: acmeId, conversationId: other.conversationId, serviceKey: "drain", slots: [slot], at: t.clock.now() });
    expect(await book(who, "2026-12-07T14:00:00Z", { requireOffered: true })).toEqual({ kind: "not-offered" });
    await recordOfferedSlots(t.ctx.prisma, { businessId: acmeId, conversationId: who.conversationId, serviceKey: "drain", slots: [slot], at: t.clock.now() });
    expect(booked(await book(who, "2026-12-07T14:00:00Z", { requireOffered: true })).crew).toBe(1);
    expect(await t.ctx.prisma.appointment.count({ where: { contactId: other.contactId } })).toBe(0);
  });

  it.each([
    ["an unknown service", "2026-12-08T15:00:00Z", { serviceKey: "roofing" }, /unknown service "roofing"/],
    ["before opening (Tue 07:00 EST)", "2026-12-08T12:00:00Z", {}, /not a bookable start/],
    ["off the slot grid (10:15)", "2026-12-08T15:15:00Z", {}, /not a bookable start/],
    ["a job that would end after closing (2 h at 16:00)", "2026-12-08T21:00:00Z", { serviceKey: "heater" }, /not a bookable start/],
    ["inside the minimum notice (today 08:00, now 07:00, 2 h notice)", "2026-11-30T13:00:00Z", {}, /too soon/],
    ["past the horizon", "2026-12-15T15:00:00Z", {}, /not a bookable start/],
    ["a weekend", "2026-12-05T15:00:00Z", {}, /not a bookable start/],
  ])("refuses %s", async (_name, startAt, over, reason) => {
    const who = await homeowner(acmeId);
    const r = await book(who, startAt, over);
    expect(r.kind === "invalid" && r.reason).toMatch(reason);
    expect(await t.ctx.prisma.appointment.count({ where: { contactId: who.contactId } })).toBe(0);
  });

  it("refuses when booking is off for the business, and a conversation of another contact", async () => {
    const plain = await homeowner(plainId);
    const r = await book(plain, "2026-12-08T15:00:00Z");
    expect(r.kind === "invalid" && r.reason).toMatch(/booking is off/);
    const [a, b] = [await homeowner(acmeId), await homeowner(acmeId)];
    const cross = await book({ ...a, conversationId: b.conversationId }, "2026-12-08T15:00:00Z");
    expect(cross.kind === "invalid" && cross.reason).toMatch(/conversation/);
    const otherBusiness = await book({ ...a, businessId: betaId }, "2026-12-08T15:00:00Z");
    expect(otherBusiness.kind).toBe("invalid");
  });
});

describe("reschedule and cancel, by the visit's own contact only", () => {
  it("reschedules onto an overlapping time of the same crew (13:00 -> 14:00, busy until 14:30): old row rescheduled, new row replaces it, appointment.changed", async () => {
    const who = await homeowner(acmeId);
    const old = booked(await book(who, "2026-12-08T18:00:00Z"));
    const r = await rescheduleAppointment(t.ctx, { businessId: acmeId, contactId: who.contactId, appointmentId: old.id, startAt: at("2026-12-08T19:00:00Z") });
    const moved = booked(r);
    expect(moved).toMatchObject({ replacesId: old.id, crew: 1, status: "booked", startAt: at("2026-12-08T19:00:00Z") });
    expect((await t.ctx.prisma.appointment.findUniqueOrThrow({ where: { id: old.id } })).status).toBe("rescheduled");
    const [changed] = await events("appointment.changed", who.conversationId);
    expect(changed!.payload).toMatchObject({
      appointmentId: moved.id,
      replacesId: old.id,
      previousStartAt: "2026-12-08T18:00:00.000Z",
      startAt: "2026-12-08T19:00:00.000Z",
    });
    // a retry of the move answers with the same visit
    const again = await rescheduleAppointment(t.ctx, {
      businessId: acmeId,
      contactId: who.contactId,
      appointmentId: old.id,
      startAt: at("2026-12-08T19:00:00Z"),
    });
    expect(booked(again).id).toBe(moved.id);
  });

  it("another contact cannot move or cancel it (not-found, nothing changes)", async () => {
    const [owner, stranger] = [await homeowner(acmeId), await homeowner(acmeId)];
    const a = booked(await book(owner, "2026-12-09T14:00:00Z"));
    const scope = { businessId: acmeId, contactId: stranger.contactId, appointmentId: a.id };
    expect(await rescheduleAppointment(t.ctx, { ...scope, startAt: at("2026-12-09T16:00:00Z") })).toEqual({ kind: "not-found" });
    expect(await cancelAppointment(t.ctx, scope)).toEqual({ kind: "not-found" });
    // and another business's scope neither
    expect(await cancelAppointment(t.ctx, { businessId: betaId, contactId: owner.contactId, appointmentId: a.id })).toEqual({ kind: "not-found" });
    expect((await t.ctx.prisma.appointment.findUniqueOrThrow({ where: { id: a.id } })).status).toBe("booked");
  });

  it("a move onto a taken slot is refused with alternatives, and the old visit stays booked", async () => {
    const [mine, theirs] = [await homeowner(acmeId), await homeowner(acmeId)];
    const a = booked(await book(mine, "2026-12-10T14:00:00Z"));
    booked(await book(theirs, "2026-12-10T18:00:00Z"));
    const r = await rescheduleAppointment(t.ctx, { businessId: acmeId, contactId: mine.contactId, appointmentId: a.id, startAt: at("2026-12-10T18:00:00Z") });
    expect(r.kind).toBe("taken");
    expect((await t.ctx.prisma.appointment.findUniqueOrThrow({ where: { id: a.id } })).status).toBe("booked");
    expect(await events("appointment.changed", mine.conversationId)).toEqual([]);
  });

  it("cancels: status canceled, appointment.cancelled once, the slot is free again and can be booked again in the same conversation", async () => {
    const who = await homeowner(acmeId);
    const a = booked(await book(who, "2026-12-11T15:00:00Z"));
    const scope = { businessId: acmeId, contactId: who.contactId, appointmentId: a.id };
    const r = await cancelAppointment(t.ctx, scope);
    expect(r.kind === "cancelled" && r.appointment.status).toBe("canceled");
    expect((await cancelAppointment(t.ctx, scope)).kind).toBe("cancelled");
    expect(await events("appointment.cancelled", who.conversationId)).toHaveLength(1);
    const other = await homeowner(acmeId);
    expect(booked(await book(other, "2026-12-11T15:00:00Z")).crew).toBe(1);
    await cancelAppointment(t.ctx, {
      businessId: acmeId,
      contactId: other.contactId,
      appointmentId: (await t.ctx.prisma.appointment.findFirstOrThrow({ where: { contactId: other.contactId } })).id,
    });
    const rebooked = booked(await book(who, "2026-12-11T15:00:00Z"));
    expect(rebooked.id).not.toBe(a.id);
  });
});

describe("GET /api/admin/businesses/:slug/appointments", () => {
  it("lists the day's visits with the business's offset, service, crew and contact; the conversation view includes them; another business's token gets 404", async () => {
    const who = await homeowner(acmeId);
    const a = booked(await book(who, "2026-12-04T20:00:00Z", { serviceKey: "drain" }));
    const res = await t.admin("/api/admin/businesses/acme-plumbing/appointments?from=2026-12-04&to=2026-12-04");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { timezone: string; appointments: Record<string, unknown>[] };
    expect(body.timezone).toBe("America/New_York");
    const row = body.appointments.find((x) => x.id === a.id);
    expect(row).toMatchObject({
      start: "2026-12-04T15:00:00-05:00",
      end: "2026-12-04T16:00:00-05:00",
      service: { key: "drain", name: "Drain cleaning" },
      status: "booked",
      crew: 1,
      contact: { id: who.contactId, name: expect.stringMatching(/^Homeowner/), phone: expect.stringMatching(/^\+1212555/) },
    });
    // every row is that local day, in order
    expect(body.appointments.map((x) => String(x.start).slice(0, 10)).every((d) => d === "2026-12-04")).toBe(true);

    const conv = (await (await t.admin(`/api/admin/conversations/${who.conversationId}`)).json()) as { appointments: { id: string; start: string }[] };
    expect(conv.appointments.map((x) => [x.id, x.start])).toEqual([[a.id, "2026-12-04T15:00:00-05:00"]]);

    const betaToken = (await createAdminToken(t.ctx.prisma, { businessId: betaId, now: t.clock.now() })).token;
    expect((await t.admin("/api/admin/businesses/acme-plumbing/appointments", betaToken)).status).toBe(404);
    const own = await t.admin("/api/admin/businesses/beta-hvac/appointments?from=2026-12-01&to=2026-12-01", betaToken);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { appointments: unknown[] }).appointments).toHaveLength(2);
    expect((await t.admin("/api/admin/businesses/acme-plumbing/appointments?from=2026-13-45")).status).toBe(400);
  });
});

describe("what the agent may book (issue 16: an anonymous chat cannot fill the calendar)", () => {
  // a business of its own: the slots here are nobody else's
  let gammaId: string;
  beforeAll(async () => {
    gammaId = await t.apply(
      acmeProfile({ slug: "gamma-drains", name: "Gamma Drains", phoneNumbers: ["+15555550500"], numberSources: {}, booking: BOOKING, services: SERVICES }),
    );
  });
  const offer = async (who: Who, starts: string[]) =>
    recordOfferedSlots(t.ctx.prisma, {
      businessId: who.businessId,
      conversationId: who.conversationId,
      serviceKey: "drain",
      slots: starts.map((s) => ({ startAt: at(s), endAt: new Date(at(s).getTime() + 3600_000) })),
      at: t.clock.now(),
    });
  const scopeOf = async (who: Who) => ({
    business: (await t.ctx.directory.byId(who.businessId))!,
    conversationId: who.conversationId,
    contactId: who.contactId,
    now: t.clock.now(),
  });
  const agentBooks = async (who: Who, start: string) => bookAppointmentTool.run(t.ctx, await scopeOf(who), { service: "drain", start });
  const upcoming = (contactId: string) => t.ctx.prisma.appointment.count({ where: { contactId, status: "booked" } });

  it("a chat with no proven phone books nothing, however often it tries", async () => {
    const now = t.clock.now();
    const contact = await t.ctx.prisma.contact.create({ data: { businessId: gammaId, createdAt: now } });
    const conversation = await t.ctx.prisma.conversation.create({ data: { businessId: gammaId, contactId: contact.id, channel: "webchat", createdAt: now } });
    const chat = { businessId: gammaId, contactId: contact.id, conversationId: conversation.id };
    const starts = ["2026-12-09T15:00:00Z", "2026-12-09T17:00:00Z", "2026-12-09T19:00:00Z", "2026-12-10T15:00:00Z", "2026-12-10T17:00:00Z"];
    await offer(chat, starts);
    for (const s of starts) {
      const r = await agentBooks(chat, s);
      expect(r).toMatchObject({ booked: false, error: expect.stringMatching(/no proven phone number/) });
    }
    expect(await upcoming(contact.id)).toBe(0);
  });

  it("one visit to come per homeowner from the agent (racing turns included); a move still works; a person may book more", async () => {
    const who = await homeowner(gammaId);
    const starts = ["2026-12-11T15:00:00Z", "2026-12-11T17:00:00Z", "2026-12-11T19:00:00Z", "2026-12-10T19:00:00Z"];
    await offer(who, starts);
    const raced = await Promise.all([agentBooks(who, starts[0]!), agentBooks(who, starts[1]!)]);
    expect(raced.filter((r) => r.booked === true)).toHaveLength(1);
    expect(raced.find((r) => r.booked !== true)).toMatchObject({ error: expect.stringMatching(/already has a visit booked .*reschedule_appointment/) });
    expect(await upcoming(who.contactId)).toBe(1);
    expect(await agentBooks(who, starts[2]!)).toMatchObject({ booked: false });
    // a person (the console, the dispatcher) books a second one: no agent limit applies
    booked(await book(who, starts[3]!));
    expect(await upcoming(who.contactId)).toBe(2);
  });
});

// POST /webhooks/events/:slug through real HTTP: signed like forms with its own events.secret,
// stored once per (type, externalId) with its work.recorded event in the same transaction, revenue
// in the report; failed signatures limited per client IP.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";

const TOKEN = "events-secret-0123456789abcdef";
const FORM_TOKEN = "form-token-123456";
let t: TestLeadline;
let businessId: string;
let ann: { contactId: string; firstLeadId: string; conversationId: string };

const sign = (body: string) => `sha256=${createHmac("sha256", TOKEN).update(body).digest("hex")}`;
/** `ip`: the client address, as a trusted proxy (loopback, TRUST_PROXY's default) reports it */
function post(body: unknown, opts: { slug?: string; headers?: Record<string, string>; ip?: string } = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return fetch(`${t.url}/webhooks/events/${opts.slug ?? "acme-plumbing"}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(opts.ip ? { "x-forwarded-for": opts.ip } : {}),
      ...(opts.headers ?? { "x-leadline-signature": sign(text) }),
    },
    body: text,
  });
}
const INVOICE = { type: "invoice.paid", externalId: "INV-FORGED", contact: { phone: "+12125550177" }, amount: 99_999 };
const workRecorded = () =>
  t.ctx.prisma.$queryRaw<{ payload: Record<string, unknown> }[]>`SELECT "payload" FROM "DomainEvent" WHERE "type" = 'work.recorded' ORDER BY "seq"`;

beforeAll(async () => {
  t = await startTestLeadline();
  businessId = await t.apply(acmeProfile({ forms: { token: FORM_TOKEN }, events: { secret: TOKEN } }));
  await t.apply(acmeProfile({ slug: "no-forms-co", phoneNumbers: [], numberSources: {} }));
  await t.apply(acmeProfile({ slug: "forms-only-co", phoneNumbers: [], numberSources: {}, forms: { token: FORM_TOKEN } }));
  const at = t.clock.now();
  const contact = await t.ctx.prisma.contact.create({ data: { businessId, phone: "+12125550101", name: "Ann", createdAt: at } });
  const conversation = await t.ctx.prisma.conversation.create({ data: { businessId, contactId: contact.id, createdAt: at } });
  const first = await t.ctx.prisma.lead.create({
    data: {
      businessId,
      contactId: contact.id,
      conversationId: conversation.id,
      source: "google-lsa",
      channel: "call",
      createdAt: new Date(at.getTime() - 86_400_000),
    },
  });
  await t.ctx.prisma.lead.create({ data: { businessId, contactId: contact.id, source: "yelp", channel: "form", createdAt: at } });
  ann = { contactId: contact.id, firstLeadId: first.id, conversationId: conversation.id };
});
afterAll(() => t.close());

describe("POST /webhooks/events/:slug", () => {
  it("stores an event once: 201 with its id, a repeat 200 with the same id, one work.recorded event", async () => {
    const event = { type: "invoice.paid", externalId: "INV-1001", contact: { phone: "(212) 555-0101", name: "Ann Lee" }, amount: 1249.99 };
    const first = await post(event);
    expect(first.status).toBe(201);
    const { workEventId } = (await first.json()) as { workEventId: string };
    const again = await post(event);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ workEventId, duplicate: true });

    const rows = await t.ctx.prisma.workEvent.findMany({ where: { businessId, externalId: "INV-1001" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: workEventId, type: "invoice.paid", contactId: ann.contactId, leadId: ann.firstLeadId, amountCents: 124_999 });
    expect(await workRecorded()).toEqual([
      {
        payload: {
          workEventId,
          type: "invoice.paid",
          externalId: "INV-1001",
          contactId: ann.contactId,
          conversationId: ann.conversationId,
          leadId: ann.firstLeadId,
          amountCents: 124_999,
        },
      },
    ]);
    // matched by phone, not a new contact; its name was already set, so kept
    expect(await t.ctx.prisma.contact.findMany({ where: { businessId }, select: { name: true } })).toEqual([{ name: "Ann" }]);
  });

  it("the same externalId with another type is another event", async () => {
    const res = await post({ type: "estimate.sent", externalId: "INV-1001", contact: { phone: "+12125550101" }, amount: 1300 });
    expect(res.status).toBe(201);
    expect(await t.ctx.prisma.workEvent.count({ where: { businessId, externalId: "INV-1001" } })).toBe(2);
  });

  it("five deliveries of one event at once: one stored, one event, every answer the same id", async () => {
    const before = (await workRecorded()).length;
    const event = { type: "estimate.accepted", externalId: "EST-77", contact: { phone: "+12125550101" } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(event)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as { workEventId: string }).workEventId)));
    expect(ids.size).toBe(1);
    expect((await workRecorded()).length).toBe(before + 1);
  });

  it("job.completed with X-Leadline-Token: a new email-only contact, its business-local job date, never moved back", async () => {
    const headers = { "x-leadline-token": TOKEN };
    // 03:30 UTC on Nov 19 is still Nov 18 in New York
    const res = await post(
      { type: "job.completed", externalId: "JOB-1", contact: { email: "Bo@Example.com", zip: "10001-4321" }, occurredAt: "2026-11-19T03:30:00Z" },
      { headers },
    );
    expect(res.status).toBe(201);
    const bo = await t.ctx.prisma.contact.findFirstOrThrow({ where: { businessId, email: "bo@example.com" } });
    expect(bo).toMatchObject({ phone: null, zip: "10001" });
    expect(bo.lastJobDate?.toISOString().slice(0, 10)).toBe("2026-11-18");
    const events = await workRecorded();
    expect(events.at(-1)!.payload).toMatchObject({ type: "job.completed", contactId: bo.id, conversationId: null, leadId: null, amountCents: null });

    expect(
      (await post({ type: "job.completed", externalId: "JOB-0", contact: { email: "bo@example.com" }, occurredAt: "2025-01-02" }, { headers })).status,
    ).toBe(201);
    expect((await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: bo.id } })).lastJobDate?.toISOString().slice(0, 10)).toBe("2026-11-18");
    expect(
      (await post({ type: "job.completed", externalId: "JOB-2", contact: { email: "bo@example.com" }, occurredAt: "2026-11-20" }, { headers })).status,
    ).toBe(201);
    expect((await t.ctx.prisma.contact.findUniqueOrThrow({ where: { id: bo.id } })).lastJobDate?.toISOString().slice(0, 10)).toBe("2026-11-20");
  });

  it.each<[string, Record<string, string> | undefined, string]>([
    ["a bad signature", { "x-leadline-signature": `sha256=${"0".repeat(64)}` }, "bad X-Leadline-Signature"],
    [
      "a signature made with another secret",
      { "x-leadline-signature": `sha256=${createHmac("sha256", "other-secret").update("{}").digest("hex")}` },
      "bad X-Leadline-Signature",
    ],
    ["a wrong token", { "x-leadline-token": "nope-nope-nope" }, "missing or wrong X-Leadline-Token"],
    ["no credentials", {}, "missing or wrong X-Leadline-Token"],
  ])("%s: 403, nothing stored", async (_label, headers, error) => {
    const before = await t.ctx.prisma.workEvent.count();
    const res = await post({ type: "invoice.paid", externalId: "INV-EVIL", contact: { phone: "+12125550199" }, amount: 5 }, { headers });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error });
    expect(await t.ctx.prisma.workEvent.count()).toBe(before);
    expect(await t.ctx.prisma.contact.count({ where: { phone: "+12125550199" } })).toBe(0);
  });

  it.each<[string, () => Record<string, string>]>([
    ["the form token as X-Leadline-Token", () => ({ "x-leadline-token": FORM_TOKEN })],
    [
      "a body signed with the form token",
      () => ({ "x-leadline-signature": `sha256=${createHmac("sha256", FORM_TOKEN).update(JSON.stringify(INVOICE)).digest("hex")}` }),
    ],
  ])("the website form token is refused: %s (403, nothing stored)", async (_label, headers) => {
    const before = await t.ctx.prisma.workEvent.count();
    const res = await post(INVOICE, { headers: headers() });
    expect(res.status).toBe(403);
    expect(await t.ctx.prisma.workEvent.count()).toBe(before);
  });

  it.each<[string, Record<string, string>]>([
    ["no credentials", {}],
    ["the events secret of another business", { "x-leadline-token": TOKEN }],
    ["its own form token", { "x-leadline-token": FORM_TOKEN }],
  ])("a business without events.secret takes no events, whatever is sent (403): %s", async (_label, headers) => {
    for (const slug of ["no-forms-co", "forms-only-co"]) {
      const res = await post(INVOICE, { slug, headers });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: "work events are not enabled for this business (set events.secret)" });
    }
  });

  it("a business without events.secret refuses even a signature made with an empty secret", async () => {
    const text = JSON.stringify(INVOICE);
    const res = await post(INVOICE, {
      slug: "forms-only-co",
      headers: { "x-leadline-signature": `sha256=${createHmac("sha256", "").update(text).digest("hex")}` },
    });
    expect(res.status).toBe(403);
  });

  it("an unknown business: 404", async () => {
    const res = await post({ type: "invoice.paid", externalId: "X", contact: { phone: "+12125550101" } }, { slug: "nobody-here" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no business "nobody-here"' });
  });

  it.each<[string, unknown, string]>([
    ["not JSON", "type=invoice.paid", "body: not JSON"],
    [
      "no type",
      { externalId: "A", contact: { phone: "+12125550101" } },
      "type: must be one of estimate.sent, estimate.accepted, estimate.declined, job.completed, invoice.paid",
    ],
    ["an unknown type", { type: "invoice.sent", externalId: "A", contact: { phone: "+12125550101" } }, "type: must be one of estimate.sent, "],
    ["no externalId", { type: "invoice.paid", contact: { phone: "+12125550101" } }, "externalId: required"],
    ["an empty externalId", { type: "invoice.paid", externalId: " ", contact: { phone: "+12125550101" } }, "externalId: "],
    ["no contact", { type: "invoice.paid", externalId: "A" }, "contact: required"],
    ["neither phone nor email", { type: "invoice.paid", externalId: "A", contact: { name: "Ann" } }, "contact: needs a phone or an email"],
    ["a phone that is not one", { type: "invoice.paid", externalId: "A", contact: { phone: "12345" } }, 'contact.phone: "12345" is not a phone number'],
    ["a bad email", { type: "invoice.paid", externalId: "A", contact: { email: "ann@" } }, "contact.email: "],
    ["a negative amount", { type: "invoice.paid", externalId: "A", contact: { phone: "+12125550101" }, amount: -5 }, "amount: "],
    ["an amount as text", { type: "invoice.paid", externalId: "A", contact: { phone: "+12125550101" }, amount: "12.50" }, "amount: "],
    [
      "a bad occurredAt",
      { type: "job.completed", externalId: "A", contact: { phone: "+12125550101" }, occurredAt: "yesterday" },
      "occurredAt: must be an ISO date-time with its offset, or YYYY-MM-DD",
    ],
    [
      "a time without offset",
      { type: "job.completed", externalId: "A", contact: { phone: "+12125550101" }, occurredAt: "2026-11-18T10:00:00" },
      "occurredAt: must be",
    ],
  ])("%s: 400 with a one-line reason, nothing stored", async (_label, body, error) => {
    const before = await t.ctx.prisma.workEvent.count();
    const res = await post(body);
    expect(res.status).toBe(400);
    const { error: reason } = (await res.json()) as { error: string };
    expect(reason.slice(0, error.length)).toBe(error);
    expect(reason).not.toContain("\n");
    expect(await t.ctx.prisma.workEvent.count()).toBe(before);
  });
});

describe("failed signatures are limited per client IP", () => {
  const bad = { "x-leadline-signature": `sha256=${"0".repeat(64)}` };
  const keyOf = (ip: string) => `${t.prefix}-rl-events-sig:${ip}`;

  it("20 failures from one IP in 10 minutes: then 429 with Retry-After, even correctly signed, until the window is over; other IPs unaffected", async () => {
    const ip = "203.0.113.7";
    for (let i = 0; i < 20; i++) expect((await post(INVOICE, { ip, headers: bad })).status).toBe(403);
    // not an invoice: the report below counts revenue
    const event = { type: "estimate.declined", externalId: "EST-LIMITED", contact: { phone: "+12125550101" } };
    const refused = await post(event, { ip });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(await refused.json()).toEqual({ error: "too many failed signatures from this address, try again later" });
    expect((await post(event, { ip, headers: { "x-leadline-token": TOKEN } })).status).toBe(429);
    expect(await t.ctx.prisma.workEvent.count({ where: { externalId: "EST-LIMITED" } })).toBe(0);

    // another address is not held
    expect((await post(event, { ip: "198.51.100.9" })).status).toBe(201);

    // the count lives in Redis for the 10-minute window; when it ends, the address is served again
    const ttl = await t.ctx.queues.redis.pttl(keyOf(ip));
    expect(ttl).toBeGreaterThan(590_000);
    await t.ctx.queues.redis.pexpire(keyOf(ip), 1);
    await new Promise((r) => setTimeout(r, 5));
    expect((await post({ ...event, externalId: "EST-LIMITED-2" }, { ip })).status).toBe(201);
  });

  it("19 failures and a good signature: served (the limit is on failures, not on requests)", async () => {
    const ip = "203.0.113.8";
    for (let i = 0; i < 19; i++) expect((await post(INVOICE, { ip, headers: bad })).status).toBe(403);
    expect((await post({ type: "estimate.declined", externalId: "EST-19", contact: { phone: "+12125550101" } }, { ip })).status).toBe(201);
  });

  it("an IPv6 client is counted by its /64", async () => {
    for (let i = 0; i < 20; i++) expect((await post(INVOICE, { ip: `2001:db8:7:8::${(i + 1).toString(16)}`, headers: bad })).status).toBe(403);
    expect((await post(INVOICE, { ip: "2001:db8:7:8:ffff::1" })).status).toBe(429);
    expect((await post({ type: "estimate.declined", externalId: "EST-V6", contact: { phone: "+12125550101" } }, { ip: "2001:db8:7:9::1" })).status).toBe(201);
  });
});

describe("the report", () => {
  it("shows revenue by the source of the lead it is attributed to, and reviews requested and clicked", async () => {
    const headers = { "x-leadline-token": TOKEN };
    expect((await post({ type: "invoice.paid", externalId: "INV-1002", contact: { phone: "+12125550101" }, amount: 250 }, { headers })).status).toBe(201);
    expect((await post({ type: "invoice.paid", externalId: "INV-2001", contact: { email: "bo@example.com" }, amount: 99.5 }, { headers })).status).toBe(201);
    const at = t.clock.now();
    const bo = await t.ctx.prisma.contact.findFirstOrThrow({ where: { businessId, email: "bo@example.com" } });
    for (const [token, clicked] of [
      ["tok-a", at],
      ["tok-b", null],
    ] as const) {
      await t.ctx.prisma.reviewLink.create({
        data: { businessId, contactId: bo.id, token, url: "https://g.page/r/x/review", createdAt: at, firstClickedAt: clicked },
      });
    }

    const res = await t.admin(`/api/admin/businesses/acme-plumbing/reports?from=2026-11-01&to=2026-11-30`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      revenue: number;
      revenueCents: number;
      bySource: { source: string; leads: number; revenueCents: number; revenue: number }[];
      reviews: { requested: number; clicked: number };
    };
    expect(body.revenueCents).toBe(124_999 + 25_000 + 9_950);
    expect(body.revenue).toBe(1599.49);
    const of = (source: string) => body.bySource.find((s) => s.source === source);
    // Ann's first lead, not her later yelp one; her $1,300 estimate.sent is not revenue
    expect(of("google-lsa")).toMatchObject({ leads: 1, revenueCents: 149_999, revenue: 1499.99 });
    expect(of("yelp")).toMatchObject({ leads: 1, revenueCents: 0 });
    expect(of("unattributed")).toMatchObject({ leads: 0, revenueCents: 9_950 });
    expect(body.reviews).toEqual({ requested: 2, clicked: 1 });

    // a period with none of it
    const empty = (await (await t.admin(`/api/admin/businesses/acme-plumbing/reports?from=2025-01-01&to=2025-01-31`)).json()) as typeof body;
    expect(empty.revenueCents).toBe(0);
    expect(empty.reviews).toEqual({ requested: 0, clicked: 0 });
  });
});

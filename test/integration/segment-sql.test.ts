// The segment language against a real database: each key selects exactly the contacts it should,
// through the SQL segmentSql writes (scoped to one business by the caller, parameters after its own).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSegment } from "../../src/campaigns/parse-segment.ts";
import { segmentSql } from "../../src/campaigns/segment-sql.ts";
import { openDatabase, type Database } from "../../src/db/open-database.ts";
import { createTestDatabase } from "../helpers/test-leadline.ts";
import { pgAdmin } from "../helpers/pg-admin.ts";

const NOW = new Date("2026-03-31T12:00:00Z"); // business time; 12 months back is 2025-03-31 in New York
let db: Database;
let dbName: string;
let businessId: string;
let phones = 0;

beforeAll(async () => {
  const t = await createTestDatabase();
  dbName = t.name;
  db = await openDatabase({ url: t.url, poolSize: 2 });
  const at = new Date("2026-01-01T00:00:00Z");
  const business = (profile: string) => db.prisma.business.create({ data: { slug: profile, name: profile, timezone: "America/New_York", profile: {} } });
  businessId = (await business("acme-plumbing")).id;
  const otherId = (await business("beta-hvac")).id;
  const contact = (name: string, data: { lastJobDate?: string; tags?: string[]; zip?: string; email?: string }, owner = businessId) =>
    db.prisma.contact.create({
      data: {
        businessId: owner,
        name,
        phone: `+1212555${String(1000 + ++phones)}`,
        tags: data.tags ?? [],
        zip: data.zip ?? null,
        email: data.email ?? null,
        lastJobDate: data.lastJobDate ? new Date(data.lastJobDate) : null,
        createdAt: at,
      },
    });
  const appointment = (contactId: string, owner: string, serviceKey: string, startIso: string, status: string) => {
    const start = new Date(startIso);
    const end = new Date(start.getTime() + 3_600_000);
    return db.prisma.appointment.create({
      data: { businessId: owner, contactId, serviceKey, crew: 1, startAt: start, endAt: end, busyUntil: end, status, createdAt: at },
    });
  };
  await contact("ann", { lastJobDate: "2024-05-01", tags: ["vip"], zip: "10001", email: "ann@example.com" });
  await contact("bob", { lastJobDate: "2025-12-01", tags: ["gold"], zip: "10002" });
  const cat = await contact("cat", { zip: "11201", email: "cat@example.com" });
  await appointment(cat.id, businessId, "furnace", "2025-11-10T14:00:00Z", "completed");
  await contact("dan", { lastJobDate: "2025-03-30", tags: ["furnace"], zip: "M5V 2T6" });
  const eve = await contact("eve", { lastJobDate: "2025-03-31" });
  await appointment(eve.id, businessId, "furnace", "2026-04-10T14:00:00Z", "booked"); // not yet done
  await appointment(eve.id, businessId, "furnace", "2025-10-10T14:00:00Z", "canceled"); // never done
  await appointment(eve.id, businessId, "water-heater", "2025-09-10T14:00:00Z", "booked"); // past, another service
  // another business's VIP with a furnace job: never in acme's segments
  const zed = await contact("zed", { lastJobDate: "2020-01-01", tags: ["vip", "gold"], zip: "10001", email: "z@example.com" }, otherId);
  await appointment(zed.id, otherId, "furnace", "2025-01-10T14:00:00Z", "completed");
});
afterAll(async () => {
  await db.close();
  await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

async function select(expr: string): Promise<string[]> {
  const parsed = parseSegment(expr);
  if (!parsed.ok) throw new Error(parsed.error);
  const { sql, values } = segmentSql(parsed.segment, 2, { now: NOW, timezone: "America/New_York" });
  const rows = await db.sql<{ name: string }>(`SELECT c."name" FROM "Contact" c WHERE c."businessId" = $1 AND (${sql}) ORDER BY c."name"`, [
    businessId,
    ...values,
  ]);
  return rows.map((r) => r.name);
}

describe("segments select the right contacts", () => {
  it.each<[string, string[]]>([
    ["", ["ann", "bob", "cat", "dan", "eve"]],
    ["last_job_before:2025-01-01", ["ann"]],
    ["last_job_before:2025-03-30", ["ann"]], // strict: the day itself is not before
    ["last_job_after:2025-03-30", ["bob", "eve"]],
    ["last_job_after:2025-12-01,2024-01-01", ["ann", "bob", "dan", "eve"]],
    ["last_job_older_than:12mo", ["ann", "dan"]], // dan's 2025-03-30 is older than a year, eve's 2025-03-31 is not
    ["last_job_older_than:1y", ["ann", "dan"]],
    ["last_job_older_than:90d", ["ann", "bob", "dan", "eve"]], // before 2025-12-31
    ["-last_job_older_than:12mo", ["bob", "cat", "eve"]], // cat has no date: not "older than"
    ["tag:vip,gold", ["ann", "bob"]],
    ["tag:VIP", ["ann"]],
    ["-tag:vip", ["bob", "cat", "dan", "eve"]],
    ["zip:10001", ["ann"]],
    ["zip:10001,112*", ["ann", "cat"]],
    ["zip:100*", ["ann", "bob"]],
    ["zip:m5v*", ["dan"]],
    ["-zip:100*", ["cat", "dan", "eve"]],
    ["service:furnace", ["cat", "dan"]], // cat by a completed visit, dan by tag; eve's is future or canceled
    ["service:water-heater", ["eve"]], // a past booked visit counts
    ["service:drain-cleaning", []],
    ["-service:furnace", ["ann", "bob", "eve"]],
    ["has:email", ["ann", "cat"]],
    ["-has:email", ["bob", "dan", "eve"]],
    ["has:zip", ["ann", "bob", "cat", "dan"]],
    ["has:last_job", ["ann", "bob", "dan", "eve"]],
    ["has:tags", ["ann", "bob", "dan"]],
    ["tag:vip has:email last_job_before:2025-01-01", ["ann"]],
    ["has:last_job -tag:gold", ["ann", "dan", "eve"]],
    ["last_job_older_than:12mo -service:furnace", ["ann"]],
  ])("%j", async (expr, names) => {
    expect(await select(expr)).toEqual(names);
  });
});

// Speed to lead aggregated by Postgres (readSpeedToLead, what the reports route answers) against the
// same figures computed in memory from the leads (summarizeFirstResponses, summarizeSpeedOverTime, the
// unit-tested reference): equal for ranges of every bucket, in zones with DST and a half-hour offset,
// with unanswered leads, replies stamped before the lead, and milliseconds that round either way.
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/open-database.ts";
import { readSpeedToLead } from "../../src/reports/read-speed-to-lead.ts";
import { summarizeFirstResponses } from "../../src/reports/summarize-first-responses.ts";
import { summarizeSpeedOverTime } from "../../src/reports/summarize-speed-over-time.ts";
import { pgAdmin } from "../helpers/pg-admin.ts";
import { createTestDatabase } from "../helpers/test-leadline.ts";

let db: Database;
let dbName: string;
const ids: Record<string, string> = {};
/** a New York business holding only the edge leads */
const EDGES_NY = "edges";

/** the unit tests' edge cases, as stored leads: [business (by zone), created (UTC), response ms or null] */
const EDGES: [string, string, number | null][] = [
  [EDGES_NY, "2026-03-08T04:59:00Z", 1000],
  [EDGES_NY, "2026-03-08T05:00:00Z", 2000],
  [EDGES_NY, "2026-03-09T03:59:00Z", null],
  [EDGES_NY, "2026-03-09T04:00:00Z", 4000],
  [EDGES_NY, "2026-11-01T03:59:00Z", 1150],
  [EDGES_NY, "2026-11-01T04:00:00Z", 1250],
  [EDGES_NY, "2026-11-01T06:30:00Z", -30_000],
  [EDGES_NY, "2026-11-02T04:59:00Z", 7960],
  [EDGES_NY, "2026-11-02T05:00:00Z", 12_345],
  ["Europe/London", "2026-03-29T22:30:00Z", 500],
  ["Europe/London", "2026-03-29T23:10:00Z", 600],
  ["Asia/Kolkata", "2026-05-31T18:29:00Z", 100],
  ["Asia/Kolkata", "2026-05-31T18:30:00Z", 200],
  ["Asia/Kolkata", "2026-06-01T18:29:59Z", 300],
];
const SOURCES = ["google-lsa", "google-ads", "website", "yelp", "referral:angi.com"];
const STAGES = ["new", "contacted", "booked", "won", "lost"];

beforeAll(async () => {
  const t = await createTestDatabase();
  dbName = t.name;
  db = await openDatabase({ url: t.url, poolSize: 2 });
  for (const zone of ["America/New_York", "Europe/London", "Asia/Kolkata"]) {
    const b = await db.prisma.business.create({ data: { slug: zone.toLowerCase().replace("/", "-"), name: zone, timezone: zone, profile: {} } });
    ids[zone] = b.id;
  }
  ids[EDGES_NY] = (await db.prisma.business.create({ data: { slug: "edges", name: "Edges", timezone: "America/New_York", profile: {} } })).id;
  // deterministic "random" leads over 2019–2027 for each business, a few of them test leads
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const rows: { businessId: string; createdAt: Date; firstResponseAt: Date | null; source: string; stage: string; isTest: boolean }[] = [];
  for (const [zone, iso, ms] of EDGES) {
    const createdAt = new Date(iso);
    rows.push({
      businessId: ids[zone]!,
      createdAt,
      firstResponseAt: ms === null ? null : new Date(createdAt.getTime() + ms),
      source: "website",
      stage: "new",
      isTest: false,
    });
  }
  const start = Date.parse("2019-01-01T00:00:00Z");
  const span = Date.parse("2027-12-31T00:00:00Z") - start;
  for (const zone of ["America/New_York", "Europe/London", "Asia/Kolkata"]) {
    for (let i = 0; i < 700; i++) {
      // a quarter of them in 2026's autumn, so short ranges have several leads a day
      const createdAt = new Date(i % 4 === 0 ? Date.parse("2026-10-01T00:00:00Z") + next(90 * 86_400) * 1000 : start + (next(2 ** 30) / 2 ** 30) * span);
      createdAt.setUTCMilliseconds(next(1000));
      const kind = next(20);
      const ms = kind === 0 ? null : kind === 1 ? -next(60_000) : next(kind < 10 ? 60_000 : 3_600_000);
      rows.push({
        businessId: ids[zone]!,
        createdAt,
        firstResponseAt: ms === null ? null : new Date(createdAt.getTime() + ms),
        source: SOURCES[next(SOURCES.length)]!,
        stage: STAGES[next(STAGES.length)]!,
        isTest: next(50) === 0,
      });
    }
  }
  let n = 0;
  for (const r of rows) {
    const contact = await db.prisma.contact.create({
      data: { businessId: r.businessId, phone: `+1212${String(++n).padStart(7, "0")}`, createdAt: r.createdAt },
    });
    await db.prisma.lead.create({ data: { ...r, contactId: contact.id, channel: "form" } });
  }
});

afterAll(async () => {
  await db?.close();
  await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

/** both ways for one business and range, as the route asks (its days in its zone, test leads left out) */
async function bothWays(business: string, from: string, to: string) {
  const zone = business === EDGES_NY ? "America/New_York" : business;
  const range = { gte: DateTime.fromISO(from, { zone }).toJSDate(), lt: DateTime.fromISO(to, { zone }).plus({ days: 1 }).toJSDate() };
  const businessId = ids[business]!;
  const leads = await db.prisma.lead.findMany({
    where: { businessId, isTest: false, createdAt: range },
    select: { source: true, createdAt: true, firstResponseAt: true, stage: true },
  });
  const { overall, bySource } = summarizeFirstResponses(leads);
  const { bucket, series } = summarizeSpeedOverTime(leads, { zone, from, to });
  return { sql: await readSpeedToLead({ prisma: db.prisma }, { businessId, zone, from, to, range }), memory: { overall, bySource, bucket, series } };
}

describe("speed to lead in SQL equals the in-memory reference", () => {
  it.each<[string, string, string, string, string]>([
    ["a day with no leads", "America/New_York", "2026-11-19", "2026-11-19", "day"],
    ["DST starts", "America/New_York", "2026-03-07", "2026-03-09", "day"],
    ["DST ends", "America/New_York", "2026-10-31", "2026-11-02", "day"],
    ["62 days", "America/New_York", "2026-10-01", "2026-12-01", "day"],
    ["63 days: ISO weeks", "America/New_York", "2026-10-01", "2026-12-02", "week"],
    ["a year", "America/New_York", "2025-12-01", "2026-11-30", "week"],
    ["five years: months", "America/New_York", "2022-01-01", "2026-12-31", "month"],
    ["forty years: years", "America/New_York", "1990-01-01", "2029-12-31", "year"],
    ["a London week across DST", "Europe/London", "2026-03-01", "2026-05-31", "week"],
    ["London, a year", "Europe/London", "2026-01-01", "2026-12-31", "week"],
    ["a half-hour zone, days", "Asia/Kolkata", "2026-05-31", "2026-06-02", "day"],
    ["a half-hour zone, months", "Asia/Kolkata", "2019-01-01", "2027-12-31", "month"],
  ])("%s", async (_label, zone, from, to, bucket) => {
    const { sql, memory } = await bothWays(zone, from, to);
    expect(sql.bucket).toBe(bucket);
    expect(sql).toEqual(memory);
    expect(sql.series.reduce((n, p) => n + p.leads, 0)).toBe(sql.overall.leads);
  });

  it("places the edge leads in the zone's days across both DST changes, and rounds and clamps as the overall figure does", async () => {
    const march = await bothWays(EDGES_NY, "2026-03-07", "2026-03-09");
    expect(march.sql).toEqual(march.memory);
    expect(march.sql.series.map((p) => [p.period, p.leads, p.responded])).toEqual([
      ["2026-03-07", 1, 1],
      ["2026-03-08", 2, 1],
      ["2026-03-09", 1, 1],
    ]);
    const november = await bothWays(EDGES_NY, "2026-10-31", "2026-11-02");
    expect(november.sql).toEqual(november.memory);
    // 1150 ms shows as 1.2 s, 1.25 s as 1.3 (half up); a reply stamped 30 s before the lead as 0
    expect(november.sql.series).toEqual([
      { period: "2026-10-31", leads: 1, responded: 1, medianFirstResponseSeconds: 1.2, p90FirstResponseSeconds: 1.2 },
      { period: "2026-11-01", leads: 3, responded: 3, medianFirstResponseSeconds: 1.3, p90FirstResponseSeconds: 8 },
      { period: "2026-11-02", leads: 1, responded: 1, medianFirstResponseSeconds: 12.3, p90FirstResponseSeconds: 12.3 },
    ]);
  });
});

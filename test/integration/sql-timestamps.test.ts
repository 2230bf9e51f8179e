// Raw SQL (db.sql, the hot paths) reads a stored time as the same instant Prisma wrote, on Postgres
// and on the embedded PGlite, whatever the process's own zone: both drivers would otherwise read a
// `timestamp` column in local time (hours off anywhere but UTC).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, parseUtcTimestamp, type Database } from "../../src/db/open-database.ts";
import { createTestDatabase } from "../helpers/test-leadline.ts";

const zone = process.env.TZ;
const dir = mkdtempSync(join(tmpdir(), "leadline-sqltime-"));
beforeAll(() => {
  process.env.TZ = "America/Los_Angeles"; // Node applies a TZ change at once
});
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
  rmSync(dir, { recursive: true, force: true });
});

const AT = new Date("2026-03-08T10:30:00.125Z"); // the morning US clocks move

async function roundTrip(db: Database) {
  const b = await db.prisma.business.create({ data: { slug: `s${Date.now()}`, name: "S", timezone: "UTC", profile: {}, createdAt: AT } });
  const [row] = await db.sql<{ createdAt: Date; later: Date; none: Date | null }>(
    `SELECT "createdAt", "createdAt" + interval '1 hour' AS "later", NULL::timestamp AS "none" FROM "Business" WHERE "id" = $1`,
    [b.id],
  );
  return row!;
}

describe("raw SQL reads stored times as UTC", () => {
  it("on Postgres", async () => {
    const t = await createTestDatabase();
    const db = await openDatabase({ url: t.url, poolSize: 1 });
    try {
      const row = await roundTrip(db);
      expect(new Date().getTimezoneOffset()).not.toBe(0); // the zone change took: the test can fail
      expect(row.createdAt.toISOString()).toBe(AT.toISOString());
      expect(row.later.getTime() - AT.getTime()).toBe(3_600_000);
      expect(row.none).toBeNull();
    } finally {
      await db.close();
    }
  });

  it("on the embedded database", async () => {
    const db = await openDatabase({ dataDir: join(dir, "lite"), waitMs: 0 });
    try {
      await db.migrate();
      const row = await roundTrip(db);
      expect(row.createdAt.toISOString()).toBe(AT.toISOString());
      expect(row.later.getTime() - AT.getTime()).toBe(3_600_000);
    } finally {
      await db.close();
    }
  }, 60_000);

  it.each([
    ["2026-12-07 09:00:00", "2026-12-07T09:00:00.000Z"],
    ["2026-12-07 09:00:00.5", "2026-12-07T09:00:00.500Z"],
    ["1999-01-01 00:00:00.123", "1999-01-01T00:00:00.123Z"],
  ])("parses %s", (text, iso) => {
    expect(parseUtcTimestamp(text).toISOString()).toBe(iso);
  });
});

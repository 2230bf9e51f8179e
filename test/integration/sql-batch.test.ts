// A SqlBatch (db/raw-sql-runners.ts) is one transaction sent in one write: each statement sees what
// the ones before it wrote, a failing one takes the whole batch back with it, and the connection
// it ran on serves the next caller normally — also when the batch prepared a statement it never
// got to run. A relaxed batch only skips the wait for the disk. On Postgres (a pipelined pool of one connection, so every batch shares it) and on
// the embedded PGlite.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/open-database.ts";
import { preparedName } from "../../src/db/prepared-name.ts";
import { bothDatabases } from "../helpers/test-leadline.ts";

const dir = mkdtempSync(join(tmpdir(), "leadline-sql-batch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let db: Database;
let businessId: string;

const CONTACT = `INSERT INTO "Contact" ("id", "businessId", "phone", "createdAt", "updatedAt") VALUES ($1, $2, $3, now(), now()) RETURNING "id"`;
// finds the contact by its phone: a statement in a batch cannot read an earlier one's result
const NOTE = `UPDATE "Contact" SET "name" = $3 WHERE "businessId" = $1 AND "phone" = $2 RETURNING "id", "name"`;
const contact = (id: string, phone: string) => ({ text: CONTACT, values: [id, businessId, phone], prepareAs: preparedName(CONTACT) });
const note = (phone: string, name: string) => ({ text: NOTE, values: [businessId, phone, name], prepareAs: preparedName(NOTE) });
const phonesStored = async (...phones: string[]) =>
  (await db.prisma.contact.findMany({ where: { businessId, phone: { in: phones } }, orderBy: { phone: "asc" } })).map((c) => [c.phone, c.name]);

describe.each(bothDatabases(dir, 1))("a batch of statements %s", (_, open) => {
  beforeAll(async () => {
    db = await open();
    businessId = (await db.prisma.business.create({ data: { slug: "batch", name: "B", timezone: "UTC", profile: {} } })).id;
  }, 60_000);
  afterAll(() => db.close());

  it("says whether its statements travel together (Postgres) or run one by one in this process (PGlite)", () => {
    expect(db.sqlBatch.oneTrip).toBe(db.kind === "postgres");
  });

  it("runs in order, each seeing what the ones before wrote, and returns each one's rows", async () => {
    const rows = await db.sqlBatch([contact("bat-1", "+15550000001"), note("+15550000001", "Dana")]);
    expect(rows).toEqual([[{ id: "bat-1" }], [{ id: "bat-1", name: "Dana" }]]);
    expect(await phonesStored("+15550000001")).toEqual([["+15550000001", "Dana"]]);
  });

  it("takes everything back when a statement fails, throws that statement's error, and leaves the connection usable", async () => {
    // the second insert breaks the primary key: the first insert and the note after it are gone too
    const failing = db.sqlBatch([contact("bat-2", "+15550000002"), contact("bat-1", "+15550000003"), note("+15550000002", "Lee")]);
    await expect(failing).rejects.toThrow(/unique|duplicate/i);
    expect(await phonesStored("+15550000002", "+15550000003")).toEqual([]);
    // the same (only) connection: no transaction left open, its prepared statements still good
    expect(await db.sql(`SELECT 1 AS "one"`, [])).toEqual([{ one: 1 }]);
    await db.sqlBatch([contact("bat-4", "+15550000004"), note("+15550000004", "Kim")]);
    expect(await phonesStored("+15550000002", "+15550000004")).toEqual([["+15550000004", "Kim"]]);
  });

  it("a statement first prepared in a batch that failed before it runs later as if new", async () => {
    const LATE = `SELECT "name" FROM "Contact" WHERE "businessId" = $1 AND "phone" = $2`;
    const late = { text: LATE, values: [businessId, "+15550000004"], prepareAs: preparedName(LATE) };
    // its Parse arrives in a transaction the duplicate key has aborted: refused, never prepared
    await expect(db.sqlBatch([contact("bat-4", "+15550000005"), late])).rejects.toThrow(/unique|duplicate/i);
    expect(await db.sqlBatch([late])).toEqual([[{ name: "Kim" }]]);
    expect(await db.sql(LATE, [businessId, "+15550000004"], preparedName(LATE))).toEqual([{ name: "Kim" }]);
  });

  it("answers several batches at once, each in its own transaction", async () => {
    const phones = Array.from({ length: 6 }, (_, k) => `+1555000010${k}`);
    const results = await Promise.allSettled(phones.map((p, k) => db.sqlBatch([contact(`bat-c${k}`, p), note(p, `n${k}`)])));
    expect(results.map((r) => r.status)).toEqual(phones.map(() => "fulfilled"));
    expect(await phonesStored(...phones)).toEqual(phones.map((p, k) => [p, `n${k}`]));
  });

  it("a relaxed batch commits without waiting for the disk (Postgres: that transaction only), and returns its statements' rows as any batch", async () => {
    const SETTING = `SELECT current_setting('synchronous_commit') AS "sync"`;
    const setting = { text: SETTING, values: [] };
    const relaxed = await db.sqlBatch([contact("bat-r1", "+15550000201"), setting, note("+15550000201", "Ray")], { relaxed: true });
    expect(relaxed).toEqual([[{ id: "bat-r1" }], [{ sync: db.kind === "postgres" ? "off" : "on" }], [{ id: "bat-r1", name: "Ray" }]]);
    expect(await phonesStored("+15550000201")).toEqual([["+15550000201", "Ray"]]);
    // SET LOCAL: the connection's next transactions commit synchronously again
    expect(await db.sqlBatch([setting])).toEqual([[{ sync: "on" }]]);
    expect(await db.sql(SETTING, [])).toEqual([{ sync: "on" }]);
    // a failing relaxed batch is taken back like any other
    await expect(db.sqlBatch([contact("bat-r2", "+15550000202"), contact("bat-r1", "+15550000203")], { relaxed: true })).rejects.toThrow(/unique|duplicate/i);
    expect(await phonesStored("+15550000202", "+15550000203")).toEqual([]);
  });
});

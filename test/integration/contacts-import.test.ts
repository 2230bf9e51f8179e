// `contacts import`: a CSV of past customers with good, bad and repeated rows against a real
// database, in-process (the CLI's own path) and through a running server's /internal/cli route.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importContactsCommand } from "../../src/cli/contacts-commands.ts";
import { importContacts } from "../../src/contacts/import-contacts.ts";
import { remoteOperations } from "../../src/cli/reach-server.ts";
import { handleErrors } from "../../src/http/handle-errors.ts";
import { cliOperations, localCliRoutes } from "../../src/http/local-cli-routes.ts";
import { acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";

const dir = mkdtempSync(join(tmpdir(), "leadline-import-"));
let t: TestLeadline;
let businessId: string;

const csvFile = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function runImport(file: string, flags: { consent?: string; consentSource?: string } = {}) {
  const lines: string[] = [];
  await importContactsCommand(cliOperations({ prisma: t.ctx.prisma, clock: t.clock }), "acme-plumbing", file, flags, (s) => lines.push(s));
  return lines;
}

const contact = (phone: string) => t.ctx.prisma.contact.findUniqueOrThrow({ where: { businessId_phone: { businessId, phone } }, include: { consents: true } });

// row 1 is the header; line numbers are what the report names
const FILE = [
  "First Name,Last Name,Mobile,E-mail,Postal Code,Last Job Date,Tags,Notes",
  "Ann,Lee,(212) 555-0101,ANN@EXAMPLE.COM,10001-1234,2024-03-01,VIP; gold,likes mornings", // 2: merges into an existing contact
  "Bob,,123,,,,,", // 3: invalid phone
  ",,,,,,,", // 4: a blank spreadsheet row: skipped, not bad
  "Carl,,212-555-0102,,,2024-13-01,,", // 5: bad date
  "Ann,L,2125550101,ann2@example.com,,2025-01-02,furnace;vip,", // 6: same phone as row 2
  "Dee,,+44 20 7123 4567,dee@example.co.uk,SW1A 1AA,,,", // 7: new, foreign
  "Eve,,212 555 0103,not-an-email,,,,", // 8: invalid email
  "Fay,,,fay@example.com,,,,", // 9: no phone
  "Gus,,212 555 0104,,,2023-07-04,,", // 10: new
  "Hal,,212 555 0105,,,,,", // 11: opted out earlier: merged, but no consent
].join("\n");

beforeAll(async () => {
  t = await startTestLeadline();
  businessId = await t.apply(acmeProfile({ phoneNumbers: ["+12125550100"], numberSources: {} }));
  const at = t.clock.now();
  await t.ctx.prisma.contact.create({
    data: { businessId, phone: "+12125550101", email: "ann.lee@work.example", tags: ["old"], lastJobDate: new Date("2025-06-01"), createdAt: at },
  });
  const hal = await t.ctx.prisma.contact.create({ data: { businessId, phone: "+12125550105", name: "Hal", optedOutAt: at, createdAt: at } });
  await t.ctx.prisma.consent.create({ data: { businessId, contactId: hal.id, scope: "marketing", basis: "form", grantedAt: at, revokedAt: at } });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("contacts import", () => {
  it("keeps good rows, merges by phone, lists bad rows with their row number and reason", async () => {
    const lines = await runImport(csvFile("a.csv", FILE), { consent: "marketing", consentSource: "Service agreement, 2024: texts about seasonal offers" });
    expect(lines[0]).toBe(
      "acme-plumbing: 9 row(s) read; 5 imported (2 new contact(s), 2 merged into existing ones, 1 repeating a phone seen earlier in the file); 4 bad",
    );
    expect(lines).toContain("marketing consent recorded for 3 contact(s)");
    expect(lines).toContain("ignored column(s): Notes");
    expect(lines.filter((l) => l.startsWith("row "))).toEqual([
      'row 3: invalid phone "123"',
      'row 5: bad last_job_date "2024-13-01" (use YYYY-MM-DD)',
      'row 8: invalid email "not-an-email"',
      "row 9: no phone",
    ]);

    const ann = await contact("+12125550101");
    expect(ann.name).toBe("Ann Lee"); // was empty: filled from the first row
    expect(ann.email).toBe("ann.lee@work.example"); // was set: kept
    expect(ann.zip).toBe("10001");
    expect(ann.lastJobDate?.toISOString().slice(0, 10)).toBe("2025-06-01"); // the later one (the file's are older)
    expect(ann.tags).toEqual(["old", "vip", "gold", "furnace"]);
    expect(ann.consents).toMatchObject([
      { scope: "marketing", basis: "import", wording: "Service agreement, 2024: texts about seasonal offers", revokedAt: null },
    ]);
    expect(ann.consents[0]!.grantedAt.getTime()).toBeGreaterThanOrEqual(new Date("2026-11-18T15:00:00Z").getTime()); // the test clock, not the wall's

    const dee = await contact("+442071234567");
    expect(dee).toMatchObject({ name: "Dee", email: "dee@example.co.uk", zip: "SW1A 1AA", lastJobDate: null, tags: [] });
    expect((await contact("+12125550104")).lastJobDate?.toISOString().slice(0, 10)).toBe("2023-07-04");
    // opted out, consent revoked: an import does not grant it again
    expect((await contact("+12125550105")).consents.map((c) => c.basis)).toEqual(["form"]);
    expect(await t.ctx.prisma.contact.count({ where: { businessId } })).toBe(4); // Ann and Hal were there; Dee and Gus are new
    expect(await t.ctx.prisma.contact.count({ where: { businessId, phone: { in: ["+12125550102", "+12125550103"] } } })).toBe(0);
  });

  it("importing the same file again changes nothing and records no second consent", async () => {
    const before = await t.ctx.prisma.contact.findMany({
      where: { businessId },
      orderBy: { phone: "asc" },
      select: { phone: true, name: true, email: true, zip: true, lastJobDate: true, tags: true },
    });
    const lines = await runImport(join(dir, "a.csv"), { consent: "marketing", consentSource: "Service agreement, 2024: texts about seasonal offers" });
    expect(lines[0]).toContain("0 new contact(s), 4 merged into existing ones");
    expect(lines.some((l) => l.startsWith("marketing consent"))).toBe(false);
    const after = await t.ctx.prisma.contact.findMany({
      where: { businessId },
      orderBy: { phone: "asc" },
      select: { phone: true, name: true, email: true, zip: true, lastJobDate: true, tags: true },
    });
    expect(after).toEqual(before);
    expect(await t.ctx.prisma.consent.count({ where: { businessId, basis: "import" } })).toBe(3);
  });

  it("without --consent no consent is recorded; a later date moves lastJobDate forward", async () => {
    const lines = await runImport(csvFile("b.csv", "phone,last_job_date,tags\n+1 212 555 0104,2026-01-15,furnace\n+1 212 555 0106,,\n"));
    expect(lines[0]).toContain("1 new contact(s), 1 merged");
    const gus = await contact("+12125550104");
    expect(gus.lastJobDate?.toISOString().slice(0, 10)).toBe("2026-01-15");
    expect(gus.tags).toEqual(["furnace"]);
    expect((await contact("+12125550106")).consents).toEqual([]);
  });

  it.each<[string, string, { consent?: string; consentSource?: string }, RegExp]>([
    ["a header with no phone column", "name,email\nAnn,a@x.com\n", {}, /^header: no phone column/],
    ["an empty file", "", {}, /^the file is empty/],
    ["--consent other than marketing", "phone\n2125550199\n", { consent: "transactional", consentSource: "x" }, /^--consent: only "marketing"/],
    ["--consent without its source", "phone\n2125550199\n", { consent: "marketing" }, /^--consent marketing needs --consent-source/],
    ["--consent-source alone", "phone\n2125550199\n", { consentSource: "x" }, /^--consent-source is only meaningful/],
  ])("refuses %s and writes nothing", async (_label, text, flags, error) => {
    const count = await t.ctx.prisma.contact.count({ where: { businessId } });
    await expect(runImport(csvFile("bad.csv", text), flags)).rejects.toThrow(error);
    expect(await t.ctx.prisma.contact.count({ where: { businessId } })).toBe(count);
  });

  it("a missing file and an unknown business are clear errors", async () => {
    await expect(runImport(join(dir, "nope.csv"))).rejects.toThrow(/^cannot read .*nope\.csv: ENOENT/);
    const ops = cliOperations({ prisma: t.ctx.prisma, clock: t.clock });
    await expect(ops.importContacts("no-such-co", Readable.from(["phone\n2125550199\n"]))).rejects.toThrow('no business "no-such-co"');
  });

  it("an unclosed quote is reported as an unreadable row; the rows before it are kept", async () => {
    const lines = await runImport(csvFile("q.csv", 'name,phone\nIvy,2125550107\n"Jo,2125550108\nKim,2125550109\n'));
    expect(lines[0]).toContain("1 imported");
    expect(lines).toContain("row 4: unreadable CSV: Quote Not Closed");
    expect((await contact("+12125550107")).name).toBe("Ivy");
  });
});

describe("contacts import in small batches", () => {
  it("a phone repeated in a later batch is merged into the contact the file made, counted as a repeat, not as an existing contact", async () => {
    const before = await t.ctx.prisma.contact.count({ where: { businessId } });
    // batches of 2: [a, b] [c, a] [a, d] [ann]
    const text = [
      "name,phone,tags",
      "A,2125550201,one",
      "B,2125550202,",
      "C,2125550203,",
      "A2,2125550201,two",
      ",2125550201,three",
      "D,2125550204,",
      "Ann again,2125550101,",
    ].join("\n");
    const summary = await importContacts(t.ctx.sql, Readable.from([text]), { businessId, region: "US", now: t.clock.now(), batchSize: 2 });
    expect(summary).toMatchObject({ rows: 7, good: 7, created: 4, merged: 1, repeatedPhones: 2, consentsRecorded: 0 });
    expect(await t.ctx.prisma.contact.count({ where: { businessId } })).toBe(before + 4);
    expect(await contact("+12125550201")).toMatchObject({ name: "A", tags: ["one", "two", "three"] });
  });
});

describe("contacts import at scale", () => {
  it("100,000 rows (with consent) in well under a minute, then again as merges", { timeout: 120_000 }, async () => {
    const rows = Array.from(
      { length: 100_000 },
      (_, i) => `Bulk ${i},+1718${String(2_000_000 + i)},b${i}@example.com,11${String(i % 1000).padStart(3, "0")},2024-05-01,bulk;t${i % 7}`,
    );
    const text = ["name,phone,email,zip,last_job_date,tags", ...rows].join("\n");
    const options = { businessId, region: "US" as const, now: t.clock.now(), marketingConsent: { wording: "bulk" } };
    let started = performance.now();
    const first = await importContacts(t.ctx.sql, Readable.from([text]), options);
    const firstSeconds = (performance.now() - started) / 1000;
    expect(first).toMatchObject({ rows: 100_000, good: 100_000, created: 100_000, merged: 0, consentsRecorded: 100_000, badCount: 0 });
    expect(firstSeconds).toBeLessThan(45);

    started = performance.now();
    const again = await importContacts(t.ctx.sql, Readable.from([text]), options);
    expect((performance.now() - started) / 1000).toBeLessThan(45);
    expect(again).toMatchObject({ created: 0, merged: 100_000, consentsRecorded: 0 });
    expect(await t.ctx.prisma.contact.count({ where: { businessId, tags: { has: "bulk" } } })).toBe(100_000);
    expect(await t.ctx.prisma.consent.count({ where: { businessId, wording: "bulk" } })).toBe(100_000);
    console.log(`contacts import: 100,000 rows in ${firstSeconds.toFixed(1)} s`);
  });
});

describe("contacts import through a running server (the embedded database's holder)", () => {
  it("streams the CSV to /internal/cli/contacts/import and answers with the same summary", async () => {
    const secret = "s".repeat(43);
    const app = express().use(localCliRoutes(t.ctx, secret)).use(handleErrors(t.ctx.log));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ops = remoteOperations({ pid: process.pid, url, secret });
      const rows = [
        "name,phone,zip,tags",
        ...Array.from({ length: 2500 }, (_, i) => `Remote ${i},+1646555${String(i).padStart(4, "0")},11201,remote`),
        "Bad,42,,",
      ];
      const lines: string[] = [];
      await importContactsCommand(
        ops,
        "acme-plumbing",
        csvFile("r.csv", rows.join("\n")),
        { consent: "marketing", consentSource: "web form" },
        (s) => lines.push(s),
        " via test",
      );
      expect(lines[0]).toBe("acme-plumbing: 2501 row(s) read via test; 2500 imported (2500 new contact(s), 0 merged into existing ones); 1 bad");
      expect(lines).toContain('row 2502: invalid phone "42"');
      expect(await t.ctx.prisma.contact.count({ where: { businessId, tags: { has: "remote" } } })).toBe(2500);
      expect(await t.ctx.prisma.consent.count({ where: { businessId, wording: "web form" } })).toBe(2500);
      // a refused header is answered before the upload ends; the CLI still shows the reason
      const noPhone = ["name,email", ...Array.from({ length: 50_000 }, (_, i) => `N ${i},n${i}@example.com`)].join("\n");
      await expect(importContactsCommand(ops, "acme-plumbing", csvFile("np.csv", noPhone), {}, () => undefined)).rejects.toThrow(/^header: no phone column/);
      // the server's answer to an unknown business is the CLI's error line
      await expect(ops.importContacts("no-such-co", Readable.from(["phone\n2125550199\n"]))).rejects.toThrow('no business "no-such-co"');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

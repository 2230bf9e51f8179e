// Webhooks that arrive in the same turn share one INSERT (inbox/insert-inbound-events.ts): each still
// learns whether its own row is new, a provider id seen twice in one batch is stored once, and a row
// the database refuses fails only its own webhook.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/open-database.ts";
import { insertInboundEvent, type InboundEventRow } from "../../src/inbox/insert-inbound-events.ts";
import { newId } from "../../src/lib/new-id.ts";
import { bothDatabases } from "../helpers/test-leadline.ts";

const dir = mkdtempSync(join(tmpdir(), "leadline-group-insert-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let db: Database;
let businessId: string;

const row = (externalId: string, extra: Partial<InboundEventRow> = {}): InboundEventRow => ({
  id: newId(),
  businessId,
  provider: "twilio",
  kind: "sms",
  externalId,
  payload: JSON.stringify({ MessageSid: externalId, Body: "hi" }),
  status: "pending",
  receivedAt: "2026-12-07T11:00:00.000Z",
  lane: "conversation",
  ...extra,
});
const storedIds = async (externalIds: string[]) =>
  (await db.prisma.inboundEvent.findMany({ where: { externalId: { in: externalIds } }, orderBy: { externalId: "asc" } })).map((e) => [e.externalId, e.id]);

// Postgres prepares the usual batch sizes per connection; the embedded PGlite runs the same statements
describe.each(bothDatabases(dir, 2))("the webhook door's shared INSERT %s", (_, open) => {
  beforeAll(async () => {
    db = await open();
    businessId = (await db.prisma.business.create({ data: { slug: "group", name: "G", timezone: "UTC", profile: {} } })).id;
  }, 60_000);
  afterAll(() => db.close());

  it("stores a burst once per provider id and tells each caller whether its row was new", async () => {
    const a = row("SMa"),
      a2 = row("SMa"),
      b = row("SMb"),
      c = row("SMc");
    // one turn: a, its duplicate, b and c go to Postgres as one statement
    const first = await Promise.all([a, a2, b, c].map((r) => insertInboundEvent(db.sql, r)));
    expect(first).toEqual([true, false, true, true]);
    // a later turn: a redelivery of b is not new
    expect(await insertInboundEvent(db.sql, row("SMb"))).toBe(false);
    expect(await storedIds(["SMa", "SMb", "SMc"])).toEqual([
      ["SMa", a.id],
      ["SMb", b.id],
      ["SMc", c.id],
    ]);
    const stored = await db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: a.id } });
    expect(stored.payload).toEqual({ MessageSid: "SMa", Body: "hi" });
    expect(stored.receivedAt.toISOString()).toBe("2026-12-07T11:00:00.000Z");
  });

  it("a row the database refuses fails alone; the rest of its turn is stored", async () => {
    const ok1 = row("SMok1"),
      gone = row("SMgone", { businessId: "no-such-business" }),
      ok2 = row("SMok2");
    const out = await Promise.allSettled([ok1, gone, ok2].map((r) => insertInboundEvent(db.sql, r)));
    expect(out.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((out[1] as PromiseRejectedResult).reason)).toMatch(/foreign key/);
    expect(await storedIds(["SMgone", "SMok1", "SMok2"])).toEqual([
      ["SMok1", ok1.id],
      ["SMok2", ok2.id],
    ]);
  });
});

// The one event stream: events are written with the change they announce, read in commit order,
// and delivered in order, at least once, to each subscriber from its own cursor.
import pg from "pg";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SqlRunner } from "../../src/db/open-database.ts";
import { createEventDispatcher, RetryLaterError, type DispatcherOptions, type EventDispatcher } from "../../src/events/create-event-dispatcher.ts";
import type { DomainEvent } from "../../src/events/domain-event.ts";
import { emitEvent } from "../../src/events/emit-event.ts";
import { runningTransactions } from "../../src/events/read-events.ts";
import { assignConversation } from "../../src/inbox/assign-conversation.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { dbUrl } from "../helpers/pg-admin.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

let t: TestLeadline;
let businessId: string;
const dispatchers: EventDispatcher[] = [];
beforeAll(async () => {
  t = await startTestLeadline();
  businessId = await t.apply(acmeProfile());
});
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  twilio.reset();
});
afterAll(() => t.close());

const silent = pino({ level: "silent" });
function dispatcher(o: Partial<DispatcherOptions> = {}): EventDispatcher {
  const d = createEventDispatcher({ sql: t.ll.db.sql, log: silent, ...(t.ll.db.listen ? { listen: t.ll.db.listen } : {}), pollMs: 100, retryBaseMs: 20, ...o });
  dispatchers.push(d);
  return d;
}
let subject = 0;
const emit = (s: string, i: number) =>
  emitEvent(t.ctx.prisma, {
    businessId,
    type: "conversation.assigned",
    subject: s,
    at: t.clock.now(),
    payload: { conversationId: s, contactId: "c", handledBy: "human", by: `test-${i}` },
  });
const byOf = (e: DomainEvent) => (e.payload as { by: string }).by;

describe("events are written with the change", () => {
  it("an inbound SMS and its answer produce lead.updated, message.added (in and out) and message.status, in that order", async () => {
    const from = "+12125557001";
    expect((await t.post("/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body: "need a plumber" }))).status).toBe(200);
    await waitFor(() => twilio.sent.some((m) => m.To === from), "the acknowledgement");
    const conv = await t.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone: from } } });
    const events = await waitFor(async () => {
      const rows = await t.ll.db.sql<{ type: string; payload: { direction?: string; status?: string } }>(
        `SELECT "type", "payload" FROM "DomainEvent" WHERE "subject" = $1 ORDER BY "seq"`,
        [conv.id],
      );
      return rows.some((r) => r.type === "message.status") ? rows : undefined;
    }, "the delivery status event");
    const kinds = events.map((e) => `${e.type}${e.payload.direction ? `:${e.payload.direction}` : ""}`);
    expect(kinds.indexOf("message.added:inbound")).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf("message.added:inbound")).toBeLessThan(kinds.indexOf("message.added:outbound"));
    expect(kinds.indexOf("message.added:outbound")).toBeLessThan(kinds.indexOf("message.status"));
    expect(kinds).toContain("lead.updated");
    expect(events.find((e) => e.type === "message.status")?.payload.status).toBe("accepted");
    // a duplicate delivery of the same webhook stores nothing and announces nothing
    const before = events.length;
    await t.ctx.prisma.inboundEvent.updateMany({ where: { kind: "sms", payload: { path: ["From"], equals: from } }, data: { status: "pending" } });
    await t.ll.sweep();
    await settle(300);
    const after = await t.ll.db.sql(`SELECT 1 FROM "DomainEvent" WHERE "subject" = $1 AND "type" = 'message.added'`, [conv.id]);
    expect(after.length).toBe(events.filter((e) => e.type === "message.added").length);
    expect(before).toBeGreaterThan(0);
  });

  it("handing a conversation to a person announces conversation.assigned once", async () => {
    const conv = await t.ctx.prisma.conversation.findFirstOrThrow({ where: { businessId } });
    expect(await assignConversation(t.ctx, { businessId, conversationId: conv.id, handledBy: "human", by: "dispatcher" })).toBe(true);
    expect(await assignConversation(t.ctx, { businessId, conversationId: conv.id, handledBy: "human", by: "dispatcher" })).toBe(false);
    const rows = await t.ll.db.sql<{ payload: { handledBy: string } }>(
      `SELECT "payload" FROM "DomainEvent" WHERE "subject" = $1 AND "type" = 'conversation.assigned'`,
      [conv.id],
    );
    expect(rows.map((r) => r.payload.handledBy)).toEqual(["human"]);
  });
});

describe("the dispatcher", () => {
  it("a durable subscriber that was down catches up in order, and not from the beginning", async () => {
    const s = `subject-${++subject}`;
    const got: string[] = [];
    const sub = { name: "catch-up-test", durable: true, handle: async (e: DomainEvent) => void got.push(byOf(e)) };
    const first = dispatcher();
    const stop = await first.subscribe({ ...sub, types: ["conversation.assigned"] });
    for (let i = 1; i <= 3; i++) await emit(s, i);
    await waitFor(() => got.length === 3, "first three");
    await stop();
    await first.close();

    for (let i = 4; i <= 8; i++) await emit(s, i); // while the subscriber is down
    const second = dispatcher(); // a restarted process
    await second.subscribe({ ...sub, types: ["conversation.assigned"] });
    await waitFor(() => got.length === 8, "the missed five", 5000);
    await settle(300);
    expect(got).toEqual(["test-1", "test-2", "test-3", "test-4", "test-5", "test-6", "test-7", "test-8"]);
  });

  it("a new subscriber starts at the head (it does not replay history)", async () => {
    await emit(`subject-${++subject}`, 0);
    const got: string[] = [];
    await dispatcher().subscribe({ name: "fresh-test", durable: true, handle: async (e) => void got.push(byOf(e)) });
    await settle(300);
    expect(got).toEqual([]);
    await emit(`subject-${subject}`, 1);
    await waitFor(() => got.length === 1, "the new event");
  });

  it("reads in commit order: an event from a transaction still open holds back later ones, then both arrive in order", async () => {
    const s = `subject-${++subject}`;
    const got: string[] = [];
    await dispatcher().subscribe({ name: "commit-order-test", durable: false, handle: async (e) => void got.push(byOf(e)) });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow = t.ctx.prisma.$transaction(
      async (tx) => {
        await emitEvent(tx, {
          businessId,
          type: "conversation.assigned",
          subject: s,
          at: t.clock.now(),
          payload: { conversationId: s, contactId: "c", handledBy: "human", by: "early" },
        });
        await held;
      },
      { timeout: 10_000 },
    );
    await settle(150); // the early event has its seq; its transaction is still open
    await emit(s, 2); // a later seq, committed at once
    await settle(400);
    expect(got).toEqual([]); // delivering "test-2" now would let the cursor skip "early"
    release();
    await slow;
    await waitFor(() => got.length === 2, "both events");
    expect(got).toEqual(["early", "test-2"]);
  });

  it("a rolled-back event's gap is passed at once, whatever long transaction another database has open", async () => {
    // the server's xid horizon is shared by every database: a writer elsewhere (another app, another
    // test) must not hold this stream's gaps until it ends
    const elsewhere = new pg.Client({ connectionString: dbUrl("postgres") });
    await elsewhere.connect();
    try {
      await elsewhere.query("BEGIN");
      await elsewhere.query("SELECT pg_current_xact_id()");
      const s = `subject-${++subject}`;
      const got: string[] = [];
      await dispatcher().subscribe({ name: "foreign-xid-test", durable: true, handle: async (e) => void got.push(byOf(e)) });
      await t.ctx.prisma
        .$transaction(async (tx) => {
          await emitEvent(tx, {
            businessId,
            type: "conversation.assigned",
            subject: s,
            at: t.clock.now(),
            payload: { conversationId: s, contactId: "c", handledBy: "human", by: "rolled-back" },
          });
          throw new Error("roll back");
        })
        .catch(() => undefined);
      await emit(s, 1); // the next seq, committed: a gap stands before it
      await waitFor(() => got.length === 1, "the event after the gap", 5_000);
      expect(got).toEqual(["test-1"]);
    } finally {
      await elsewhere.query("ROLLBACK").catch(() => undefined);
      await elsewhere.end();
    }
  });

  it("never skips a lower seq held by a transaction that began writing after one that commits a higher seq", async () => {
    const s = `subject-${++subject}`;
    const got: string[] = [];
    await dispatcher().subscribe({ name: "gap-test", durable: true, handle: async (e) => void got.push(byOf(e)) });
    const gate = () => {
      let open!: () => void;
      return { wait: new Promise<void>((r) => (open = r)), open: () => open() };
    };
    const earlyHasXid = gate();
    const lateHasEvent = gate();
    const releaseLate = gate();
    const ev = (by: string) => ({
      businessId,
      type: "conversation.assigned" as const,
      subject: s,
      at: t.clock.now(),
      payload: { conversationId: s, contactId: "c", handledBy: "human" as const, by },
    });
    // "early" takes its transaction id first but writes its event (the higher seq) last
    const early = t.ctx.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_current_xact_id()::text`;
      earlyHasXid.open();
      await lateHasEvent.wait;
      await emitEvent(tx, ev("early"));
    });
    const late = t.ctx.prisma.$transaction(
      async (tx) => {
        await earlyHasXid.wait;
        await tx.$queryRaw`SELECT pg_current_xact_id()::text`;
        await emitEvent(tx, ev("late")); // the lower seq, committed last
        lateHasEvent.open();
        await releaseLate.wait;
      },
      { timeout: 10_000 },
    );
    await early; // committed: its higher seq is visible while the lower one is not
    await settle(500);
    expect(got).toEqual([]);
    releaseLate.open();
    await late;
    await waitFor(() => got.length === 2, "both events");
    expect(got).toEqual(["late", "early"]);
  });

  it("a failing subscriber gets the event again, and nothing after it is delivered first", async () => {
    const s = `subject-${++subject}`;
    const got: string[] = [];
    let failures = 0;
    await dispatcher().subscribe({
      name: "retry-test",
      durable: true,
      handle: async (e) => {
        if (byOf(e) === "test-1" && failures < 2) {
          failures++;
          throw new Error("slack is down");
        }
        got.push(byOf(e));
      },
    });
    await emit(s, 1);
    await emit(s, 2);
    await waitFor(() => got.length === 2, "both after the retries", 5000);
    expect(failures).toBe(2);
    expect(got).toEqual(["test-1", "test-2"]);
  });

  it("a live (ephemeral) subscriber never skips: an event that fails while the database is away is retried in order and delivered", async () => {
    const s = `subject-${++subject}`;
    const got: string[] = [];
    let failures = 0;
    // more failures than a durable subscriber's limit (3 here): a live chat stream would never see a skipped event again
    await dispatcher({ maxAttempts: 3 }).subscribe({
      name: "live-retry-test",
      durable: false,
      handle: async (e) => {
        if (byOf(e) === "test-1" && failures < 8) {
          failures++;
          throw new Error("database away");
        }
        got.push(byOf(e));
      },
    });
    await emit(s, 1);
    await emit(s, 2);
    await waitFor(() => got.length === 2, "both events, the failing one first", 8000);
    expect(failures).toBe(8);
    expect(got).toEqual(["test-1", "test-2"]);
  });

  it("a durable subscriber gives up on an event after maxAttempts, unless it asked never to skip (the Slack mirror)", async () => {
    const s = `subject-${++subject}`;
    const d = dispatcher({ maxAttempts: 3 });
    const skipping: string[] = [];
    const waiting: string[] = [];
    let tries = 0;
    await d.subscribe({
      name: "skip-after-3",
      durable: true,
      handle: async (e) => {
        if (byOf(e) === "test-1") throw new Error("always fails");
        skipping.push(byOf(e));
      },
    });
    await d.subscribe({
      name: "never-skip",
      durable: true,
      maxAttempts: Infinity,
      maxRetryMs: 40,
      handle: async (e) => {
        if (byOf(e) === "test-1" && ++tries <= 6) throw new Error("down for six tries");
        waiting.push(byOf(e));
      },
    });
    await emit(s, 1);
    await emit(s, 2);
    await waitFor(() => skipping.includes("test-2") && waiting.length === 2, "both subscribers past the failing event", 5000);
    expect(skipping).toEqual(["test-2"]);
    expect(tries).toBe(7);
    expect(waiting).toEqual(["test-1", "test-2"]);
  });

  it("a RetryLaterError (a 429's Retry-After) holds the subscriber that long, whatever events arrive meanwhile", async () => {
    const s = `subject-${++subject}`;
    const tries: number[] = [];
    const got: string[] = [];
    await dispatcher().subscribe({
      name: "retry-later",
      durable: true,
      maxAttempts: Infinity,
      handle: async (e) => {
        if (byOf(e) === "test-1" && tries.push(Date.now()) === 1) throw new RetryLaterError("rate limited", 700);
        got.push(byOf(e));
      },
    });
    await emit(s, 1);
    await waitFor(() => tries.length === 1, "the first try");
    for (let i = 2; i <= 4; i++) await emit(s, i); // each one pokes the subscriber
    await waitFor(() => got.length === 4, "all after the wait", 5000);
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(650);
    expect(got).toEqual(["test-1", "test-2", "test-3", "test-4"]);
  });

  it("commits close together wake one read of the stream, not one each (an agent turn commits three or four times)", async () => {
    expect(t.ll.db.listen).toBeDefined(); // wake-ups by NOTIFY, as in production
    const s = `subject-${++subject}`;
    let reads = 0;
    const counting: SqlRunner = (text, values, prepareAs) => {
      if (text.includes('FROM "DomainEvent"') && text.includes('WHERE "seq" >')) reads++;
      return t.ll.db.sql(text, values, prepareAs);
    };
    const got: string[] = [];
    // no poll in the way: only notifications wake it
    await dispatcher({ sql: counting, pollMs: 600_000, notifyCoalesceMs: 1000 }).subscribe({
      name: "coalesced",
      durable: false,
      handle: async (e) => void (e.subject === s && got.push(byOf(e))),
    });
    await settle(200); // the first read, at subscribe
    reads = 0;
    for (let i = 1; i <= 5; i++) await emit(s, i); // five commits, five NOTIFYs
    await waitFor(() => got.length === 5, "the five events", 5000);
    expect(got).toEqual(["test-1", "test-2", "test-3", "test-4", "test-5"]);
    // one read for the five (two if an unrelated commit opened the window just before them)
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(2);
  });

  it("two processes with the same durable subscriber deliver each event once (one holds the lease)", async () => {
    const s = `subject-${++subject}`;
    const got: string[] = [];
    const sub = { name: "lease-test", durable: true, handle: async (e: DomainEvent) => void got.push(byOf(e)) };
    await dispatcher().subscribe(sub);
    await dispatcher().subscribe(sub);
    for (let i = 1; i <= 20; i++) await emit(s, i);
    await waitFor(() => got.length >= 20, "twenty events", 5000);
    await settle(400);
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `test-${i + 1}`));
  });

  it("a transaction that took its id after the last commit counts as running (the snapshot's xip list misses it)", async () => {
    const url = t.database.url;
    const [a, b] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([a.connect(), b.connect()]);
    try {
      // the trap needs b's id to be the newest on the whole server when a commits; another test file
      // writing meanwhile (CI runs two at once on one Postgres) takes a later id, so set it up again
      let trapped: string | undefined;
      for (let attempt = 0; attempt < 20 && !trapped; attempt++) {
        await a.query("BEGIN");
        await a.query("SELECT pg_current_xact_id()");
        await b.query("BEGIN");
        const { rows } = await b.query<{ x: string }>("SELECT pg_current_xact_id()::text AS x");
        await a.query("COMMIT"); // the last commit: b's id is now the snapshot's xmax, so xip leaves it out
        const xip = await t.ll.db.sql<{ n: number }>("SELECT count(*)::int AS n FROM pg_snapshot_xip(pg_current_snapshot()) AS x WHERE x = $1::xid8", [
          rows[0]!.x,
        ]);
        if (xip[0]!.n === 0) trapped = rows[0]!.x;
        else await b.query("ROLLBACK");
      }
      expect(trapped).toBeDefined(); // the trap this guards against
      expect(await runningTransactions(t.ll.db.sql)).toContain(BigInt(trapped!));
    } finally {
      await b.query("ROLLBACK").catch(() => undefined);
      await Promise.all([a.end(), b.end()]);
    }
  });

  it("a process stuck past its lease loses the subscriber: another takes over in order, and the stuck one stops once it wakes", async () => {
    const s = `subject-${++subject}`;
    const stuck = { got: [] as string[] };
    const taker = { got: [] as string[] };
    let wake!: () => void;
    const asleep = new Promise<void>((r) => (wake = r));
    const make = () => {
      const d = createEventDispatcher({ sql: t.ll.db.sql, log: silent, ...(t.ll.db.listen ? { listen: t.ll.db.listen } : {}), pollMs: 100, leaseMs: 400 });
      dispatchers.push(d);
      return d;
    };
    const name = "takeover-test";
    await make().subscribe({
      name,
      durable: true,
      types: ["conversation.assigned"],
      handle: async (e) => {
        stuck.got.push(byOf(e));
        if (byOf(e) === "test-2") await asleep; // a handler that hangs (a stalled process)
      },
    });
    await emit(s, 1);
    await waitFor(() => stuck.got.includes("test-1"), "the first, by the first process");
    await emit(s, 2);
    await emit(s, 3);
    await waitFor(() => stuck.got.includes("test-2"), "the first process stuck on the second");
    await make().subscribe({ name, durable: true, types: ["conversation.assigned"], handle: async (e) => void taker.got.push(byOf(e)) });
    await waitFor(() => taker.got.includes("test-3"), "the takeover once the lease ran out", 5000);
    expect(taker.got).toEqual(["test-2", "test-3"]); // from where the stuck one's cursor stood, in order
    wake();
    await settle(300);
    await emit(s, 4);
    await waitFor(() => taker.got.includes("test-4"), "the next event, by the new holder");
    await settle(500);
    expect([...stuck.got, ...taker.got].filter((x) => x === "test-4")).toEqual(["test-4"]); // the woken one delivers no more
  });
});

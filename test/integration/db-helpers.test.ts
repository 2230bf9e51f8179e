// mapDbError / withTransaction / withAdvisoryLock against the two databases Leadline runs on: a real
// Postgres (adapter-pg) and an in-memory PGlite (pglite-prisma-adapter). Errors are real ones,
// provoked from each path a statement can take: Prisma model write, $executeRaw/$queryRaw, raw driver.
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import type { Prisma } from "../../src/db/open-database.ts";
import {
  DeadlockDetected,
  ExclusionViolation,
  isExclusionViolation,
  isRetryableTxError,
  isUniqueViolation,
  mapDbError,
  SerializationFailure,
  UniqueViolation,
} from "../../src/db/map-db-error.ts";
import { withTransaction } from "../../src/db/with-transaction.ts";
import { lockAll, lockKey, withAdvisoryLock } from "../../src/db/with-advisory-lock.ts";
import { dbUrl, pgAdmin } from "../helpers/pg-admin.ts";

// Same as createTestDatabase() in ../helpers/test-leadline.ts (a clone of the run's migrated
// template), without importing that module: it pulls in the whole app, and a db-level test
// should not fail because an unrelated module does.
async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const name = `leadline_t_${inject("runId")}_${randomBytes(4).toString("hex")}`;
  await pgAdmin(`CREATE DATABASE ${name} TEMPLATE ${inject("templateDb")}`);
  return { name, url: dbUrl(name) };
}

interface Backend {
  prisma: Prisma;
  /** the raw driver (pg.Client / PGlite), bypassing Prisma */
  raw(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

// The test's own tables. btree_gist lets a GiST exclusion constraint compare text with `=`.
const SCRATCH = [
  `CREATE EXTENSION IF NOT EXISTS btree_gist`,
  `CREATE TABLE crew_shift (id serial PRIMARY KEY, crew text NOT NULL, during tstzrange NOT NULL,
     EXCLUDE USING gist (crew WITH =, during WITH &&))`,
  `CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)`,
  `INSERT INTO counter VALUES (1, 0), (2, 0), (3, 0)`,
  // gives the Prisma model path an exclusion constraint to trip over
  `ALTER TABLE "Business" ADD CONSTRAINT business_name_excl EXCLUDE USING gist (name WITH =)`,
];
// PGlite gets only the one Prisma table it needs (as in the init migration).
const PGLITE_BUSINESS = `CREATE TABLE "Business" ("id" TEXT NOT NULL PRIMARY KEY, "slug" TEXT NOT NULL,
  "name" TEXT NOT NULL, "timezone" TEXT NOT NULL, "profile" JSONB NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL);
  CREATE UNIQUE INDEX "Business_slug_key" ON "Business"("slug")`;

const SHIFT_10_12 = `INSERT INTO crew_shift (crew, during) VALUES ('a', tstzrange('2026-01-01 10:00Z', '2026-01-01 12:00Z'))`;
const biz = (id: string, slug: string, name: string) => ({ id, slug, name, timezone: "UTC", profile: {} });

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const pgName: string[] = [];
const backends: [string, () => Promise<Backend>][] = [
  [
    "postgres (adapter-pg)",
    async () => {
      const db = await createTestDatabase();
      pgName.push(db.name);
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      for (const s of SCRATCH) await client.query(s);
      return {
        prisma,
        raw: (sql) => client.query(sql),
        close: async () => {
          await client.end();
          await prisma.$disconnect();
        },
      };
    },
  ],
  [
    "pglite (pglite-prisma-adapter)",
    async () => {
      const lite = await PGlite.create({ extensions: { btree_gist } });
      await lite.exec(PGLITE_BUSINESS);
      for (const s of SCRATCH) await lite.exec(s);
      const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
      return {
        prisma,
        raw: (sql) => lite.query(sql),
        close: async () => {
          await prisma.$disconnect();
          await lite.close();
        },
      };
    },
  ],
];

afterAll(async () => {
  for (const name of pgName) await pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe.each(backends)("%s", (_label, open) => {
  let b: Backend;
  beforeAll(async () => {
    b = await open();
    await b.raw(SHIFT_10_12);
    await b.prisma.business.create({ data: biz("b1", "acme", "Acme") });
  });
  afterAll(() => b?.close());

  const overlap = `INSERT INTO crew_shift (crew, during) VALUES ('a', tstzrange('2026-01-01 11:00Z', '2026-01-01 13:00Z'))`;

  it("exclusion violation from $executeRaw/$queryRaw: P2010, SQLSTATE in meta.driverAdapterError.cause.originalCode", async () => {
    for (const e of [
      await caught(b.prisma.$executeRawUnsafe(overlap)),
      await caught(b.prisma.$queryRawUnsafe(`${overlap} RETURNING id`)),
      await caught(b.prisma.$transaction((tx) => tx.$executeRawUnsafe(overlap))),
    ]) {
      expect(e).toMatchObject({
        name: "PrismaClientKnownRequestError",
        code: "P2010",
        meta: { driverAdapterError: { cause: { originalCode: "23P01", kind: "postgres" } } },
      });
      const m = mapDbError(e);
      expect(m).toBeInstanceOf(ExclusionViolation);
      expect(m?.cause).toBe(e);
      expect(m?.constraint).toBe("crew_shift_crew_during_excl");
      expect(isExclusionViolation(e)).toBe(true);
      expect(isUniqueViolation(e) || isRetryableTxError(e)).toBe(false);
    }
    // a touching (not overlapping) range is fine
    await b.raw(`INSERT INTO crew_shift (crew, during) VALUES ('a', tstzrange('2026-01-01 12:00Z', '2026-01-01 13:00Z'))`);
  });

  it("exclusion violation from a Prisma model write: P2039", async () => {
    const e = await caught(b.prisma.business.create({ data: biz("b2", "other-slug", "Acme") }));
    expect(e).toMatchObject({ code: "P2039", meta: { driverAdapterError: { cause: { originalCode: "23P01" } } } });
    expect(mapDbError(e)).toBeInstanceOf(ExclusionViolation);
    expect(mapDbError(e)?.constraint).toBe("business_name_excl");
  });

  it("exclusion violation from the raw driver: e.code 23P01", async () => {
    const e = await caught(b.raw(overlap));
    expect(e).toMatchObject({ code: "23P01" });
    expect(mapDbError(e)).toBeInstanceOf(ExclusionViolation);
  });

  it("unique violation: P2002 from a model write, P2010 from raw SQL, 23505 from the driver", async () => {
    const model = await caught(b.prisma.business.create({ data: biz("b3", "acme", "Other") }));
    expect(model).toMatchObject({ code: "P2002" });
    const rawSql = `INSERT INTO "Business" (id, slug, name, timezone, profile, "updatedAt") VALUES ('b4', 'acme', 'Else', 'UTC', '{}', now())`;
    const viaPrisma = await caught(b.prisma.$executeRawUnsafe(rawSql));
    expect(viaPrisma).toMatchObject({ code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "23505" } } } });
    const viaDriver = await caught(b.raw(rawSql));
    expect(viaDriver).toMatchObject({ code: "23505" });
    for (const e of [model, viaPrisma, viaDriver]) {
      expect(mapDbError(e)).toBeInstanceOf(UniqueViolation);
      expect(mapDbError(e)?.cause).toBe(e);
      expect(isUniqueViolation(e)).toBe(true);
      expect(isExclusionViolation(e) || isRetryableTxError(e)).toBe(false);
    }
  });

  it("leaves other errors alone", async () => {
    const e = await caught(b.prisma.$executeRawUnsafe("SELECT 1/0"));
    expect(mapDbError(e)).toBeUndefined();
    expect(mapDbError(new Error("boom"))).toBeUndefined();
    expect(mapDbError({ code: "P2025" })).toBeUndefined();
    expect(mapDbError(undefined)).toBeUndefined();
  });

  it("withTransaction returns the value, honours the isolation level, and does not retry a unique violation", async () => {
    expect(await withTransaction(b.prisma, async (tx) => (await tx.business.count()) + 1, { isolationLevel: "Serializable" })).toBe(2);
    let attempts = 0;
    let thrown: unknown;
    const e = await caught(
      withTransaction(b.prisma, async (tx) => {
        attempts++;
        try {
          return await tx.business.create({ data: biz("b5", "acme", "Dup") });
        } catch (err) {
          thrown = err;
          throw err;
        }
      }),
    );
    expect(attempts).toBe(1);
    expect(e).toBe(thrown); // rethrown unchanged
    expect(mapDbError(e)).toBeInstanceOf(UniqueViolation);
  });

  it("withAdvisoryLock holds a transaction-scoped lock; lockAll sorts and dedupes", async () => {
    const held = `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`;
    const inside = await b.prisma.$transaction(async (tx) => {
      await withAdvisoryLock(tx, "contact:b1:+15555550100");
      const one = (await tx.$queryRawUnsafe<{ n: number }[]>(held))[0]?.n;
      await lockAll(tx, ["z", "a", "z", "contact:b1:+15555550100"]);
      return [one, (await tx.$queryRawUnsafe<{ n: number }[]>(held))[0]?.n];
    });
    expect(inside).toEqual([1, 3]);
    expect((await b.prisma.$queryRawUnsafe<{ n: number }[]>(held))[0]?.n).toBe(0); // released at commit
    expect(lockKey("x").text).toBe("hashtextextended($1, 0)");
    expect(() => lockKey("")).toThrow();
  });
});

// Contention needs two sessions at once: Postgres only. PGlite runs one transaction at a time
// (its transaction mutex), so it can neither conflict nor block on a lock held by another session.
describe("postgres concurrency", () => {
  let prisma: Prisma;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const b = await backends[0]![1]();
    prisma = b.prisma;
    close = b.close;
  });
  afterAll(() => close?.());

  /** read-then-write on one row in two Serializable transactions: the second writer gets 40001 */
  function racingIncrements(retries: number) {
    const bothRead = deferred();
    let reads = 0;
    let attempts = 0;
    const run = () =>
      withTransaction(
        prisma,
        async (tx) => {
          attempts++;
          const [row] = await tx.$queryRaw<{ n: number }[]>`SELECT n FROM counter WHERE id = 1`;
          if (++reads === 2) bothRead.resolve();
          await bothRead.promise; // only the first attempts wait; a retry finds it resolved
          await tx.$executeRaw`UPDATE counter SET n = ${(row?.n ?? 0) + 1} WHERE id = 1`;
          return row?.n;
        },
        { isolationLevel: "Serializable", retries },
      );
    return { results: Promise.allSettled([run(), run()]), attempts: () => attempts };
  }

  it("a real serialization failure maps to SerializationFailure (retries: 0)", async () => {
    await prisma.$executeRaw`UPDATE counter SET n = 0 WHERE id = 1`;
    const race = racingIncrements(0);
    const failed = (await race.results).filter((r) => r.status === "rejected");
    expect(failed).toHaveLength(1);
    const e = (failed[0] as PromiseRejectedResult).reason;
    expect(e).toMatchObject({ code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "40001", kind: "TransactionWriteConflict" } } } });
    expect(mapDbError(e)).toBeInstanceOf(SerializationFailure);
    expect(isRetryableTxError(e)).toBe(true);
  });

  it("withTransaction re-runs the function after a serialization failure and succeeds", async () => {
    await prisma.$executeRaw`UPDATE counter SET n = 0 WHERE id = 1`;
    const race = racingIncrements(3);
    const results = await race.results;
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(race.attempts()).toBe(3); // two first attempts + one retry
    const [row] = await prisma.$queryRaw<{ n: number }[]>`SELECT n FROM counter WHERE id = 1`;
    expect(row?.n).toBe(2); // no lost update
  });

  it("a serialization failure from write skew (at the UPDATE or at COMMIT) maps to SerializationFailure", async () => {
    const bothRead = deferred();
    let reads = 0;
    const run = (id: number) =>
      prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT sum(n) FROM counter`;
          if (++reads === 2) bothRead.resolve();
          await bothRead.promise;
          await tx.$executeRaw`UPDATE counter SET n = n + 1 WHERE id = ${id}`;
        },
        { isolationLevel: "Serializable" },
      );
    const failed = (await Promise.allSettled([run(2), run(3)])).filter((r) => r.status === "rejected");
    expect(failed).toHaveLength(1);
    const e = (failed[0] as PromiseRejectedResult).reason;
    // depending on timing Postgres refuses at the second UPDATE (a Prisma error) or at COMMIT (a
    // bare DriverAdapterError); either way it is a serialization failure
    expect([e.name, e.cause?.originalCode ?? e.meta?.driverAdapterError?.cause?.originalCode]).toEqual([
      expect.stringMatching(/^(DriverAdapterError|PrismaClientKnownRequestError)$/),
      "40001",
    ]);
    expect(mapDbError(e)).toBeInstanceOf(SerializationFailure);
  });

  it("a deadlock maps to DeadlockDetected and withTransaction recovers from it", async () => {
    const deadlock = (retries: number) => {
      const bothLocked = deferred();
      let locked = 0;
      const run = (first: number, second: number) =>
        withTransaction(
          prisma,
          async (tx) => {
            await tx.$executeRaw`UPDATE counter SET n = n + 1 WHERE id = ${first}`;
            if (++locked === 2) bothLocked.resolve();
            await bothLocked.promise;
            await tx.$executeRaw`UPDATE counter SET n = n + 1 WHERE id = ${second}`;
          },
          { retries, timeoutMs: 15_000 },
        );
      return Promise.allSettled([run(2, 3), run(3, 2)]);
    };
    const failed = (await deadlock(0)).filter((r) => r.status === "rejected");
    expect(failed).toHaveLength(1);
    const e = (failed[0] as PromiseRejectedResult).reason;
    expect(e).toMatchObject({ meta: { driverAdapterError: { cause: { originalCode: "40P01", kind: "TransactionWriteConflict" } } } });
    expect(mapDbError(e)).toBeInstanceOf(DeadlockDetected);
    expect((await deadlock(3)).map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
  });

  async function twoHolders(nameA: string, nameB: string) {
    const log: string[] = [];
    const aHolds = deferred();
    const t0 = Date.now();
    let bEnteredAfterMs = 0;
    const a = withTransaction(prisma, async (tx) => {
      await withAdvisoryLock(tx, nameA);
      log.push("A in");
      aHolds.resolve();
      await sleep(300);
      log.push("A out");
    });
    const b = (async () => {
      await aHolds.promise;
      await withTransaction(prisma, async (tx) => {
        await withAdvisoryLock(tx, nameB);
        bEnteredAfterMs = Date.now() - t0;
        log.push("B in");
      });
    })();
    await Promise.all([a, b]);
    return { log, bEnteredAfterMs };
  }

  it("withAdvisoryLock serialises two transactions using the same name", async () => {
    const { log, bEnteredAfterMs } = await twoHolders("contact:b1:+15555550123", "contact:b1:+15555550123");
    expect(log).toEqual(["A in", "A out", "B in"]);
    expect(bEnteredAfterMs).toBeGreaterThanOrEqual(290);
  });

  it("withAdvisoryLock does not block a different name", async () => {
    const { log, bEnteredAfterMs } = await twoHolders("contact:b1:+15555550123", "contact:b1:+15555550124");
    expect(log).toEqual(["A in", "B in", "A out"]);
    expect(bEnteredAfterMs).toBeLessThan(290);
  });
});

// A statement written as raw SQL with $1… parameters runs the same way on Prisma (the client or an
// interactive transaction's) and on the plain-SQL runner (db.sql, a withSqlTransaction's): the
// caller's path decides, the statement does not care.
import type { Prisma, SqlRunner } from "./open-database.ts";
import type { Tx } from "./with-transaction.ts";

export type RawDb = Prisma | Tx | SqlRunner;

export function rawSqlOf(db: RawDb): SqlRunner {
  if (typeof db === "function") return db;
  return <R extends Record<string, unknown>>(text: string, values: unknown[]) => db.$queryRawUnsafe<R[]>(text, ...values);
}

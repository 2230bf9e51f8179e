// The sending number's proactive sends in the business's local day, from Postgres (the truth): the
// Redis allowance counter starts from it each day and again after a flush.
import type { Prisma } from "../db/open-database.ts";

/**
 * Proactive sends from `from` since `dayStart` that reached (or may have reached) the provider:
 * recorded as sent that day, or caught mid-send. Both halves use an index ((fromNumber, sentAt) and
 * (status, updatedAt)), never the number's whole history.
 */
export async function countNumberSends(db: Prisma, from: string, dayStart: Date): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "Message"
      WHERE "fromNumber" = $1 AND "direction" = 'outbound' AND "kind" = 'proactive'
        AND (("sentAt" >= $2::timestamp AND "status" <> 'failed') OR ("status" IN ('sending', 'unknown') AND "updatedAt" >= $2::timestamp))`,
    from,
    dayStart.toISOString(),
  );
  return rows[0]?.n ?? 0;
}

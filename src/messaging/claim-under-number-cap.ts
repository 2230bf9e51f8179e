// The sending number's daily allowance at delivery, race-safe across processes: the day's proactive
// sends are counted and the message claimed (queued → sending) under one lock per number, so two
// workers racing for the last send of the day cannot both take it. Postgres is the count (a Redis
// counter would be lost with a flush).
import type { Prisma } from "../db/open-database.ts";
import { withAdvisoryLock } from "../db/with-advisory-lock.ts";
import { withTransaction, type Tx } from "../db/with-transaction.ts";
import { holdForNumberCap, localDayOf } from "./policy/number-daily-cap.ts";
import { setMessageStatus } from "./set-message-status.ts";

export interface NumberCapInput {
  messageId: string;
  from: string;
  cap: number;
  /** the business's zone: its local day is the carrier's */
  zone: string;
  at: Date;
}

/**
 * Proactive sends from `from` since `dayStart` that reached (or may have reached) the provider:
 * recorded as sent that day, or caught mid-send. Both halves use an index ((fromNumber, sentAt) and
 * (status, updatedAt)), never the number's whole history.
 */
export async function countNumberSends(db: Tx | Prisma, from: string, dayStart: Date): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "Message"
      WHERE "fromNumber" = $1 AND "direction" = 'outbound' AND "kind" = 'proactive'
        AND (("sentAt" >= $2::timestamp AND "status" <> 'failed') OR ("status" IN ('sending', 'unknown') AND "updatedAt" >= $2::timestamp))`,
    from,
    dayStart.toISOString(),
  );
  return rows[0]?.n ?? 0;
}

/** A cheap look before taking a rate slot: the day's allowance is already used up (no lock; the claim re-checks). */
export async function numberCapHold(db: Prisma, c: Omit<NumberCapInput, "messageId">): Promise<Date | undefined> {
  const day = localDayOf(c.at, c.zone);
  return holdForNumberCap(await countNumberSends(db, c.from, day.start), c.cap, day);
}

/** claimed: the message is `sending` and counts against today; else hold it until `until` (it was not claimed). */
export async function claimUnderNumberCap(prisma: Prisma, c: NumberCapInput): Promise<{ claimed: true } | { claimed: false; until?: Date }> {
  const day = localDayOf(c.at, c.zone);
  return withTransaction(prisma, async (tx) => {
    await withAdvisoryLock(tx, `number-cap:${c.from}`);
    const until = holdForNumberCap(await countNumberSends(tx, c.from, day.start), c.cap, day);
    if (until) return { claimed: false, until };
    const claimed = await setMessageStatus((text, values) => tx.$queryRawUnsafe(text, ...values), {
      messageId: c.messageId,
      to: "sending",
      from: ["queued"],
      attemptedAt: c.at,
      incrementAttempts: true,
      at: c.at,
      emit: false,
    });
    return claimed ? { claimed: true } : { claimed: false };
  });
}

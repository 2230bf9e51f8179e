// Campaign texts for the bench: queued as the one door leaves them, and the rate they went out at.
import pg from "pg";
import type { Queues } from "../../src/jobs/queues.ts";
import type { Arrivals } from "./arrivals.ts";

/** the recipients queueCampaign writes for a tag (a digit no other campaign of the run uses) */
export const campaignPhones = (tag: string, count: number) => Array.from({ length: count }, (_, i) => `+1212${tag}${String(i + 1).padStart(6, "0")}`);

/**
 * A campaign as the one door leaves it: contacts, conversations and `queued` proactive rows (purpose
 * campaign), each with its delivery job in the bulk lane. Written in three statements, so the bench
 * measures the sending, not the writing.
 */
export async function queueCampaign(databaseUrl: string, queues: Queues, c: { businessId: string; from: string; count: number; tag: string }) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const series = `generate_series(1, ${c.count}) g`;
  // row ids as the app makes them (20-40 lowercase letters and digits: the job payload checks it)
  const id = (kind: string) => `'b${kind}${c.tag}' || lpad(g::text, 20, '0')`;
  const phone = `'+1212' || '${c.tag}' || lpad(g::text, 6, '0')`;
  await db.query(
    `INSERT INTO "Contact" ("id", "businessId", "phone", "createdAt", "updatedAt") SELECT ${id("ct")}, $1, ${phone}, now(), now() FROM ${series}`,
    [c.businessId],
  );
  await db.query(
    `INSERT INTO "Conversation" ("id", "businessId", "contactId", "businessNumber", "createdAt", "updatedAt")
     SELECT ${id("cv")}, $1, ${id("ct")}, $2, now(), now() FROM ${series}`,
    [c.businessId, c.from],
  );
  const ids = await db.query<{ id: string }>(
    `INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body", "status",
       "fromNumber", "toNumber", "purpose", "kind", "segments", "encoding", "createdAt", "updatedAt")
     SELECT ${id("cm")}, $1, ${id("cv")}, ${id("ct")}, 'outbound', 'sms', 'system',
       'Time for your furnace tune-up? Reply to book. Reply STOP to opt out.', 'queued', $2, ${phone}, 'campaign', 'proactive', 1, 'GSM-7', now(), now()
     FROM ${series} RETURNING "id"`,
    [c.businessId, c.from],
  );
  await db.end();
  for (const { id } of ids.rows) await queues.enqueueDelivery(id, { lane: "bulk" });
}

/** the most sends any window [x, x + 1 s) holds */
export function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! <= sorted[i]! - 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

export interface CampaignRate {
  /** (texts − 1) / (last − first), per second */
  mps: number;
  errorPct: number;
  texts: number;
  busiestSecond: number;
  /** recipients that got more than one text */
  doubled: number;
}

/** Waits until every recipient got a text (or timeoutMs), then the rate they arrived at the fake. */
export async function campaignRate(arrivals: Arrivals, phones: string[], mps: number, timeoutMs: number): Promise<CampaignRate> {
  await Promise.all(phones.map((p) => arrivals.waitFor(p, timeoutMs)));
  const times = phones.map((p) => arrivals.first(p)).filter((t): t is number => t !== undefined);
  const rate = ((times.length - 1) * 1000) / (Math.max(...times) - Math.min(...times));
  return {
    mps: rate,
    errorPct: (100 * (rate - mps)) / mps,
    texts: times.length,
    busiestSecond: busiestSecond(times),
    doubled: phones.filter((p) => arrivals.count(p) > 1).length,
  };
}

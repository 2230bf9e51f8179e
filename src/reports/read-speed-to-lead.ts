// Speed to lead for a range, aggregated by Postgres in one query: the whole range, each source and
// each period come back as a few dozen rows instead of every lead (50,000 a year spent most of the
// report's time crossing the driver). The periods' start instants come from speedPeriods (luxon, the
// business's zone) and Postgres only files each lead under the last start at or before it
// (width_bucket), so both ways share one calendar, and no time-zone arithmetic runs per row. Each
// figure equals what summarizeFirstResponses and summarizeSpeedOverTime compute from the leads
// themselves: percentile_disc is the nearest rank, over whole milliseconds, rounded here as there;
// a test holds the two together.
import type { Ctx } from "../context.ts";
import { roundSeconds, sourceOrder, type SourceSummary } from "./summarize-first-responses.ts";
import { fillSpeedSeries, speedPeriods, type SpeedBucket, type SpeedPoint } from "./summarize-speed-over-time.ts";

interface GroupRow {
  /** GROUPING("source", "period"): 3 the whole range, 1 a source, 2 a period */
  set: number;
  source: string | null;
  /** 1-based index into the periods */
  period: number | null;
  leads: number;
  responded: number;
  medianMs: number | null;
  p90Ms: number | null;
  booked: number;
  won: number;
}

export interface SpeedToLead {
  overall: SourceSummary;
  bySource: SourceSummary[];
  bucket: SpeedBucket;
  series: SpeedPoint[];
}

export async function readSpeedToLead(
  ctx: Pick<Ctx, "prisma">,
  q: { businessId: string; zone: string; from: string; to: string; range: { gte: Date; lt: Date } },
): Promise<SpeedToLead> {
  const { bucket, periods, starts } = speedPeriods(q);
  // "createdAt" is UTC wall time (timestamp without time zone): the starts as the same
  const bounds = starts.map((ms) => new Date(ms).toISOString().slice(0, 23));
  const rows = await ctx.prisma.$queryRaw<GroupRow[]>`
    WITH l AS (
      SELECT "source", "stage",
        -- GREATEST skips a NULL: an unanswered lead must stay NULL (left out of the seconds)
        CASE WHEN "firstResponseAt" IS NOT NULL THEN GREATEST(0, EXTRACT(EPOCH FROM ("firstResponseAt" - "createdAt")) * 1000)::float8 END AS "ms",
        width_bucket("createdAt", ${bounds}::timestamp[]) AS "period"
      FROM "Lead"
      WHERE "businessId" = ${q.businessId} AND NOT "isTest" AND "createdAt" >= ${q.range.gte} AND "createdAt" < ${q.range.lt}
    )
    SELECT GROUPING("source", "period")::int AS "set", "source", "period",
      count(*)::int AS "leads", count("ms")::int AS "responded",
      percentile_disc(0.5) WITHIN GROUP (ORDER BY "ms") AS "medianMs",
      percentile_disc(0.9) WITHIN GROUP (ORDER BY "ms") AS "p90Ms",
      (count(*) FILTER (WHERE "stage" IN ('booked', 'won')))::int AS "booked",
      (count(*) FILTER (WHERE "stage" = 'won'))::int AS "won"
    FROM l GROUP BY GROUPING SETS ((), ("source"), ("period"))`;
  const summary = (source: string, r: GroupRow | undefined): SourceSummary => ({
    source,
    leads: r?.leads ?? 0,
    responded: r?.responded ?? 0,
    medianFirstResponseSeconds: roundSeconds(r?.medianMs == null ? null : r.medianMs / 1000),
    p90FirstResponseSeconds: roundSeconds(r?.p90Ms == null ? null : r.p90Ms / 1000),
    booked: r?.booked ?? 0,
    won: r?.won ?? 0,
  });
  const byPeriod = new Map<string, Omit<SpeedPoint, "period">>();
  for (const r of rows.filter((x) => x.set === 2)) {
    const period = periods[r.period! - 1];
    if (period === undefined) continue; // before the first start: not in the range (the WHERE keeps such leads out)
    const { leads, responded, medianFirstResponseSeconds, p90FirstResponseSeconds } = summary(period, r);
    byPeriod.set(period, { leads, responded, medianFirstResponseSeconds, p90FirstResponseSeconds });
  }
  return {
    overall: summary(
      "all",
      rows.find((r) => r.set === 3),
    ),
    bySource: rows
      .filter((r) => r.set === 1)
      .map((r) => summary(r.source!, r))
      .sort(sourceOrder),
    bucket,
    series: fillSpeedSeries(periods, byPeriod),
  };
}

// Planning a 100,000-contact campaign: the dry run (who gets what and when, in their own local time,
// and who is skipped and why) and the launch (every contact enrolled or recorded as skipped), timed,
// with the process's peak RSS sampled while they run.
import { applyBusinessProfile } from "../../src/business/apply-business-profile.ts";
import { launchCampaign } from "../../src/campaigns/launch-campaign.ts";
import { parseProfile } from "../../src/config/parse-profile.ts";
import { openDatabase } from "../../src/db/open-database.ts";
import { systemClock } from "../../src/lib/clock.ts";

export interface PlanFigures {
  contacts: number;
  dryRunMs: number;
  launchMs: number;
  peakRssMb: number;
  enrolled: number;
  skipped: number;
}

/** A business of its own in the given (migrated) database, `count` contacts across many zones, most with consent. */
export async function benchCampaignPlan(databaseUrl: string, count = 100_000): Promise<PlanFigures> {
  const db = await openDatabase({ url: databaseUrl, poolSize: 4 });
  try {
    const { id: businessId } = await applyBusinessProfile(
      db.prisma,
      parseProfile(["slug: bench-plan", "name: Bench Comfort", "timezone: America/Chicago", 'phoneNumbers: ["+15555550177"]', ""].join("\n")),
    );
    // area codes and ZIPs of many zones; one in ten without consent, one in a hundred opted out
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "Contact" ("id", "businessId", "phone", "name", "zip", "tags", "lastJobDate", "optedOutAt", "createdAt", "updatedAt")
       SELECT 'bp' || lpad(i::text, 23, '0'), $1,
         '+1' || (ARRAY['212','305','405','410','312','303','602','415','907','808'])[1 + i % 10] || lpad((2000000 + i)::text, 7, '0'),
         'Customer ' || i, (ARRAY['10001','33101','73102','21201','60601','80202','85004','94103','99501','96813'])[1 + (i / 10) % 10],
         ARRAY['furnace'], DATE '2024-01-01' + (i % 600), CASE WHEN i % 100 = 0 THEN now() END, now(), now()
       FROM generate_series(1, $2) AS i`,
      businessId,
      count,
    );
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "Consent" ("id", "businessId", "contactId", "scope", "basis", "wording", "grantedAt")
       SELECT 'bq' || lpad(i::text, 23, '0'), $1, 'bp' || lpad(i::text, 23, '0'), 'marketing', 'import', 'bench', now()
       FROM generate_series(1, $2) AS i WHERE i % 10 <> 0`,
      businessId,
      count,
    );
    await db.prisma.$executeRawUnsafe(`ANALYZE "Contact"; `);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const deps = { prisma: db.prisma, clock: systemClock };
    const input = { slug: "bench-plan", sequence: "seasonal-reactivation", segment: "tag:furnace last_job_before:2025-06-01" };
    const t0 = performance.now();
    const dry = await launchCampaign(deps, { ...input, dryRun: true });
    const t1 = performance.now();
    const launched = await launchCampaign(deps, { ...input, dryRun: false });
    const t2 = performance.now();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (dry.enrolled !== launched.enrolled) throw new Error(`dry run planned ${dry.enrolled}, launch enrolled ${launched.enrolled}`);
    return {
      contacts: count,
      dryRunMs: t1 - t0,
      launchMs: t2 - t1,
      peakRssMb: peak / 1024 / 1024,
      enrolled: launched.enrolled,
      skipped: Object.values(launched.skipped).reduce((a, b) => a + b, 0),
    };
  } finally {
    await db.close();
  }
}

// run on its own (`tsx test/bench/campaign-plan.ts DATABASE_URL`): the bench measures RSS in a process of its own
if (process.argv[1]?.endsWith("campaign-plan.ts") && process.argv[2]) {
  process.stdout.write(JSON.stringify(await benchCampaignPlan(process.argv[2])) + "\n");
}

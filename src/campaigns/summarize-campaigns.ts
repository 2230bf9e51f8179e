// `campaign status SLUG`: each campaign's progress — enrolled, sent, scheduled, stopped and skipped,
// with the reasons — read from the enrollments and the messages they wrote.
import type { Prisma } from "../db/open-database.ts";
import { AppError } from "../lib/errors.ts";

export async function summarizeCampaigns(deps: { prisma: Prisma }, slug: string): Promise<string[]> {
  const business = await deps.prisma.business.findUnique({ where: { slug }, select: { id: true } });
  if (!business) throw new AppError("not_found", `no business "${slug}"`);
  const campaigns = await deps.prisma.campaign.findMany({ where: { businessId: business.id }, orderBy: { createdAt: "desc" }, take: 50 });
  if (campaigns.length === 0) return [`${slug}: no campaigns yet (campaign launch ${slug} SEQUENCE)`];
  const lines: string[] = [];
  for (const c of campaigns) {
    const byStatus = await deps.prisma.$queryRawUnsafe<{ status: string; reason: string | null; n: bigint }[]>(
      `SELECT "status", "reason", count(*) AS "n" FROM "Enrollment" WHERE "campaignId" = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      c.id,
    );
    const messages = await deps.prisma.$queryRawUnsafe<{ status: string; n: bigint }[]>(
      `SELECT m."status", count(*) AS "n" FROM "Message" m JOIN "Enrollment" e ON e."id" = m."enrollmentId" WHERE e."campaignId" = $1 GROUP BY 1 ORDER BY 1`,
      c.id,
    );
    const [next] = await deps.prisma.$queryRawUnsafe<{ at: Date | null }[]>(
      `SELECT min("nextAt") AS "at" FROM "Enrollment" WHERE "campaignId" = $1 AND "status" = 'active'`,
      c.id,
    );
    const group = (status: string) => byStatus.filter((r) => r.status === status);
    const total = (rows: { n: bigint }[]) => rows.reduce((a, r) => a + Number(r.n), 0);
    const reasons = (rows: { reason: string | null; n: bigint }[]) =>
      rows.length && rows.some((r) => r.reason) ? ` (${rows.map((r) => `${r.reason ?? "?"} ${Number(r.n)}`).join(", ")})` : "";
    const enrolled = byStatus.filter((r) => r.status !== "skipped");
    lines.push(
      `campaign ${c.id}  ${c.sequenceKey}  ${c.status}${c.pausedAt && c.status === "paused" ? ` since ${c.pausedAt.toISOString()}` : ""}  launched ${c.createdAt.toISOString()}${c.segment ? `  segment: ${c.segment}` : ""}`,
      `  enrolled ${total(enrolled)}: active ${total(group("active"))}, completed ${total(group("completed"))}, stopped ${total(group("stopped"))}${reasons(group("stopped"))}`,
      `  skipped ${total(group("skipped"))}${reasons(group("skipped"))}`,
      `  messages: ${messages.length ? messages.map((m) => `${m.status} ${Number(m.n)}`).join(", ") : "none yet"}${next?.at ? `; next step due ${next.at.toISOString()}` : ""}`,
    );
  }
  return lines;
}

// `campaign pause|resume SLUG ID`. A pause stops new steps at once (the claim checks the campaign)
// and takes back what was written but not yet sent — held for quiet hours or a cap, or waiting for
// the sender's rate; those steps are sent again after resume (their due time is the resume, so the
// retry is a new message, not the cancelled one).
import type { Prisma } from "../db/open-database.ts";
import type { Clock } from "../lib/clock.ts";
import { AppError } from "../lib/errors.ts";
import { withdrawPending } from "../sequences/stop-enrollments.ts";

export async function setCampaignRunning(deps: { prisma: Prisma; clock: Clock }, slug: string, id: string, running: boolean): Promise<string> {
  const business = await deps.prisma.business.findUnique({ where: { slug }, select: { id: true } });
  if (!business) throw new AppError("not_found", `no business "${slug}"`);
  const campaign = await deps.prisma.campaign.findFirst({ where: { id, businessId: business.id } });
  if (!campaign) throw new AppError("not_found", `no campaign ${id} for ${slug}`);
  const now = deps.clock.now();
  if (running) {
    if (campaign.status === "running") return `campaign ${id} is already running`;
    await deps.prisma.campaign.update({ where: { id }, data: { status: "running", pausedAt: null } });
    // steps that came due while paused go now (the sweep spreads them at the sender's rate)
    await deps.prisma.enrollment.updateMany({ where: { campaignId: id, status: "active", nextAt: { lt: now } }, data: { nextAt: now, updatedAt: now } });
    return `campaign ${id} resumed`;
  }
  if (campaign.status === "paused") return `campaign ${id} is already paused`;
  await deps.prisma.campaign.update({ where: { id }, data: { status: "paused", pausedAt: now } });
  const ids = (await deps.prisma.enrollment.findMany({ where: { campaignId: id }, select: { id: true } })).map((e) => e.id);
  let taken = 0;
  for (let i = 0; i < ids.length; i += 5000) {
    const had = await withdrawPending(deps, ids.slice(i, i + 5000), "campaign-paused");
    taken += had.length;
    // their step goes again after resume
    await deps.prisma.$executeRawUnsafe(
      `UPDATE "Enrollment" SET "step" = GREATEST("step" - 1, 0), "status" = 'active', "endedAt" = NULL, "nextAt" = $2::timestamp, "leaseUntil" = NULL, "updatedAt" = $2::timestamp
       WHERE "id" = ANY($1::text[]) AND "status" IN ('active', 'completed')`,
      had,
      now.toISOString(),
    );
  }
  return `campaign ${id} paused${taken ? `; ${taken} message${taken > 1 ? "s" : ""} not yet sent were taken back and will go after resume` : ""}`;
}

import type { Prisma } from "../db/open-database.ts";
import type { TProfile } from "../config/profile-schema.ts";
import { AppError } from "../lib/errors.ts";
import { withAdvisoryLock } from "../db/with-advisory-lock.ts";
import { emitEvent } from "../events/emit-event.ts";
import { systemClock, type Clock } from "../lib/clock.ts";

/** Creates or updates a business from its profile (by slug) and its routed numbers; returns its id. */
export async function applyBusinessProfile(prisma: Prisma, profile: TProfile, clock: Clock = systemClock): Promise<{ id: string; created: boolean }> {
  return prisma.$transaction(async (tx) => {
    const taken = await tx.phoneNumber.findMany({
      where: { e164: { in: profile.phoneNumbers }, business: { slug: { not: profile.slug } } },
      include: { business: { select: { slug: true } } },
    });
    if (taken[0]) {
      throw new AppError("conflict", `phoneNumbers: ${taken[0].e164} already belongs to business "${taken[0].business.slug}"`);
    }
    const pageId = profile.meta?.pageId;
    if (pageId) {
      // a Facebook page routes its leads to one business; the lock keeps two concurrent applies from both claiming it
      await withAdvisoryLock(tx, `meta-page:${pageId}`);
      const owner = await tx.business.findFirst({
        where: { slug: { not: profile.slug }, profile: { path: ["meta", "pageId"], equals: pageId } },
        select: { slug: true },
      });
      if (owner) throw new AppError("conflict", `meta.pageId: ${pageId} already belongs to business "${owner.slug}"`);
    }
    const existing = await tx.business.findUnique({ where: { slug: profile.slug }, select: { id: true } });
    const data = { name: profile.name, timezone: profile.timezone, profile: profile as object };
    const business = existing
      ? await tx.business.update({ where: { id: existing.id }, data })
      : await tx.business.create({ data: { slug: profile.slug, ...data } });
    await tx.phoneNumber.deleteMany({ where: { businessId: business.id, e164: { notIn: profile.phoneNumbers } } });
    for (const e164 of profile.phoneNumbers) {
      const source = profile.numberSources[e164] ?? null;
      await tx.phoneNumber.upsert({
        where: { e164 },
        create: { businessId: business.id, e164, source },
        update: { source },
      });
    }
    // every process (servers beside this CLI too) reloads its directory when this commits
    await emitEvent(tx, { businessId: business.id, type: "business.updated", subject: business.id, at: clock.now(), payload: { slug: profile.slug } });
    return { id: business.id, created: !existing };
  });
}

// OnceMark rows for Slack work done once per key: a mirrored message (key slack:msg:<id>, value
// the post's ts), a relayed alert, a day's digest. The row is the proof; a retry finds it and stops.
import type { Prisma } from "../db/open-database.ts";

export async function readOnceMark(prisma: Prisma, key: string): Promise<{ value: string | null; at: Date } | undefined> {
  return (await prisma.onceMark.findUnique({ where: { key }, select: { value: true, at: true } })) ?? undefined;
}

/** Records that the work is done (a second write for the same key is a no-op). */
export async function writeOnceMark(prisma: Prisma, m: { key: string; businessId: string; value: string | null; at: Date }): Promise<void> {
  await prisma.onceMark.upsert({ where: { key: m.key }, create: m, update: { value: m.value } });
}

/** Takes the key before the work (true: ours to do); `dropOnceMark` gives it back when the work failed. */
export async function claimOnceMark(prisma: Prisma, m: { key: string; businessId: string; at: Date }): Promise<boolean> {
  const r = await prisma.onceMark.createMany({ data: [{ ...m, value: null }], skipDuplicates: true });
  return r.count === 1;
}

export async function dropOnceMark(prisma: Prisma, key: string): Promise<void> {
  await prisma.onceMark.deleteMany({ where: { key } });
}

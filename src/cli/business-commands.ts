import { readFileSync } from "node:fs";
import type { Prisma } from "../db/open-database.ts";
import { parseProfile } from "../config/parse-profile.ts";
import { applyBusinessProfile } from "../business/apply-business-profile.ts";

/** `business apply FILE.yaml`: prints the business id. */
export async function applyBusinessCommand(prisma: Prisma, file: string, out: (s: string) => void): Promise<void> {
  const profile = parseProfile(readFileSync(file, "utf8"));
  const { id, created } = await applyBusinessProfile(prisma, profile);
  out(id);
  process.stderr.write(`${created ? "created" : "updated"} ${profile.slug} (${profile.phoneNumbers.length} number(s))\n`);
}

/** `business list`: one line per business. */
export async function listBusinessesCommand(prisma: Prisma, out: (s: string) => void): Promise<void> {
  const rows = await prisma.business.findMany({ orderBy: { slug: "asc" }, include: { phoneNumbers: { select: { e164: true } } } });
  if (rows.length === 0) out("no businesses yet: npm run cli -- business apply FILE.yaml");
  for (const b of rows) out(`${b.slug}\t${b.id}\t${b.name}\t${b.timezone}\t${b.phoneNumbers.map((p) => p.e164).join(",")}`);
}

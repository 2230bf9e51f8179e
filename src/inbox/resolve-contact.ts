// One contact, many doors: a homeowner is matched by phone, then by email. Writers for the same
// phone or email are serialised with transaction-scoped advisory locks, so two channels racing
// for one new homeowner produce one contact.
import type { Prisma } from "../db/open-database.ts";
import { isUniqueViolation } from "../db/map-db-error.ts";
import type { Tx } from "../db/with-transaction.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { lockAll } from "../db/with-advisory-lock.ts";
import { mergeContacts } from "./merge-contacts.ts";

export interface ContactFacts {
  businessId: string;
  phone?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  zip?: string | undefined;
}

export async function resolveContact(prisma: Prisma, facts: ContactFacts, at: Date) {
  const f = { ...facts, email: facts.email?.trim().toLowerCase() || undefined };
  // Fast path (no transaction: this runs before every speed-to-lead text). With a phone, the
  // unique (businessId, phone) index settles races; only an email-only twin needs the locked path.
  if (f.phone) {
    const byPhone = await prisma.contact.findUnique({ where: { businessId_phone: { businessId: f.businessId, phone: f.phone } } });
    const emailTwin =
      f.email && !byPhone?.email
        ? await prisma.contact.findFirst({ where: { businessId: f.businessId, email: f.email, phone: null }, select: { id: true } })
        : null;
    if (byPhone && !emailTwin) return fillMissing(prisma, byPhone, f);
    if (!byPhone && !emailTwin) {
      try {
        return await prisma.contact.create({
          data: { businessId: f.businessId, phone: f.phone, email: f.email ?? null, name: f.name ?? null, zip: f.zip ?? null, createdAt: at },
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const winner = await prisma.contact.findUniqueOrThrow({ where: { businessId_phone: { businessId: f.businessId, phone: f.phone } } });
        return fillMissing(prisma, winner, f);
      }
    }
  }
  return withTransaction(prisma, (tx) => resolveContactTx(tx, f, at));
}

type ContactRow = Awaited<ReturnType<Prisma["contact"]["create"]>>;

async function fillMissing(db: Prisma | Tx, contact: ContactRow, f: ContactFacts): Promise<ContactRow> {
  const fill = {
    ...(f.phone && !contact.phone ? { phone: f.phone } : {}),
    ...(f.email && !contact.email ? { email: f.email } : {}),
    ...(f.name && !contact.name ? { name: f.name } : {}),
    ...(f.zip && !contact.zip ? { zip: f.zip } : {}),
  };
  return Object.keys(fill).length ? db.contact.update({ where: { id: contact.id }, data: fill }) : contact;
}

export async function resolveContactTx(tx: Tx, facts: ContactFacts, at: Date) {
  const f = { ...facts, email: facts.email?.trim().toLowerCase() || undefined };
  await lockAll(
    tx,
    [f.phone && `phone:${f.businessId}:${f.phone}`, f.email && `email:${f.businessId}:${f.email}`].filter((k): k is string => Boolean(k)),
  );

  const byPhone = f.phone ? await tx.contact.findUnique({ where: { businessId_phone: { businessId: f.businessId, phone: f.phone } } }) : null;
  const byEmail = f.email ? await tx.contact.findFirst({ where: { businessId: f.businessId, email: f.email }, orderBy: { createdAt: "asc" } }) : null;

  const contact = byPhone ?? (byEmail && (!f.phone || !byEmail.phone) ? byEmail : null);
  if (byPhone && byEmail && byPhone.id !== byEmail.id && !byEmail.phone) {
    // the email-only contact (e.g. a chat that left an email) is this phone's homeowner
    await mergeContacts(tx, f.businessId, byEmail.id, byPhone.id);
  }
  if (!contact) {
    return tx.contact.create({
      data: { businessId: f.businessId, phone: f.phone ?? null, email: f.email ?? null, name: f.name ?? null, zip: f.zip ?? null, createdAt: at },
    });
  }
  return fillMissing(tx, contact, f);
}

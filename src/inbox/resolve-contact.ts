// One contact, many doors: a homeowner is matched by phone, then by email. Writers for the same
// phone or email are serialised with transaction-scoped advisory locks, so two channels racing
// for one new homeowner produce one contact.
import type { Prisma } from "../db/open-database.ts";
import { mergeContacts, type Tx } from "./merge-contacts.ts";

export interface ContactFacts {
  businessId: string;
  phone?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  zip?: string | undefined;
}

export async function resolveContact(prisma: Prisma, f: ContactFacts) {
  const email = f.email?.trim().toLowerCase() || undefined;
  return prisma.$transaction((tx) => resolveContactTx(tx, { ...f, email }));
}

export async function resolveContactTx(tx: Tx, f: ContactFacts & { email?: string | undefined }) {
  const keys = [f.phone && `p:${f.phone}`, f.email && `e:${f.email}`].filter((k): k is string => Boolean(k)).sort();
  for (const k of keys) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${f.businessId}|${k}`}))`;

  const byPhone = f.phone ? await tx.contact.findUnique({ where: { businessId_phone: { businessId: f.businessId, phone: f.phone } } }) : null;
  const byEmail = f.email ? await tx.contact.findFirst({ where: { businessId: f.businessId, email: f.email }, orderBy: { createdAt: "asc" } }) : null;

  let contact = byPhone ?? (byEmail && (!f.phone || !byEmail.phone) ? byEmail : null);
  if (byPhone && byEmail && byPhone.id !== byEmail.id && !byEmail.phone) {
    // the email-only contact (e.g. a chat that left an email) is this phone's homeowner
    await mergeContacts(tx, f.businessId, byEmail.id, byPhone.id);
  }
  if (!contact) {
    return tx.contact.create({ data: { businessId: f.businessId, phone: f.phone ?? null, email: f.email ?? null, name: f.name ?? null, zip: f.zip ?? null } });
  }
  const fill = {
    ...(f.phone && !contact.phone ? { phone: f.phone } : {}),
    ...(f.email && !contact.email ? { email: f.email } : {}),
    ...(f.name && !contact.name ? { name: f.name } : {}),
    ...(f.zip && !contact.zip ? { zip: f.zip } : {}),
  };
  if (Object.keys(fill).length) contact = await tx.contact.update({ where: { id: contact.id }, data: fill });
  return contact;
}

// One CSV row of past customers, checked and normalised (pure). A row without a usable phone is
// refused: the phone is what the import merges on and what a campaign texts.
import { DateTime } from "luxon";
import type { CountryCode } from "libphonenumber-js";
import { toE164 } from "../lib/phone.ts";
import type { ContactColumn } from "./read-contact-header.ts";

export interface ContactRow {
  phone: string;
  name?: string;
  email?: string;
  zip?: string;
  /** YYYY-MM-DD */
  lastJobDate?: string;
  /** lower case, unique, in file order */
  tags: string[];
}

export type ContactFields = Partial<Record<ContactColumn, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const US_ZIP = /^(\d{5})(-\d{4})?$/;
// Canadian, British and other postal codes: letters, digits, one space or dash
const OTHER_POSTAL = /^[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]$/;
const MAX_TAG = 50;

export function parseContactRow(fields: ContactFields, region: CountryCode): { ok: true; row: ContactRow } | { ok: false; reason: string } {
  const get = (c: ContactColumn) => fields[c]?.trim() || undefined;

  const rawPhone = get("phone");
  if (!rawPhone) return { ok: false, reason: "no phone" };
  const phone = toE164(rawPhone, region);
  if (!phone) return { ok: false, reason: `invalid phone "${rawPhone}"` };

  const row: ContactRow = { phone, tags: [] };
  const name = get("name") ?? ([get("firstName"), get("lastName")].filter(Boolean).join(" ") || undefined);
  if (name) row.name = name.replace(/\s+/g, " ").slice(0, 200);

  const email = get("email")?.toLowerCase();
  if (email && (!EMAIL.test(email) || email.length > 320)) return { ok: false, reason: `invalid email "${email}"` };
  if (email) row.email = email;

  const zip = get("zip")?.toUpperCase();
  if (zip) {
    const us = US_ZIP.exec(zip);
    if (!us && !OTHER_POSTAL.test(zip)) return { ok: false, reason: `invalid zip "${zip}"` };
    row.zip = us ? us[1]! : zip;
  }

  const date = get("lastJobDate");
  if (date) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !DateTime.fromISO(date).isValid) return { ok: false, reason: `bad last_job_date "${date}" (use YYYY-MM-DD)` };
    row.lastJobDate = date;
  }

  for (const t of (get("tags") ?? "").split(";")) {
    const tag = t.trim().toLowerCase().replace(/\s+/g, " ");
    if (!tag) continue;
    if (tag.length > MAX_TAG) return { ok: false, reason: `tag "${tag.slice(0, 20)}…" is longer than ${MAX_TAG} characters` };
    if (!row.tags.includes(tag)) row.tags.push(tag);
  }
  return { ok: true, row };
}

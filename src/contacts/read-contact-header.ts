// A contacts CSV's header, mapped to our fields. Exports from CRMs and field-service tools name the
// same column many ways ("Mobile", "Postal Code", "First Name"): accept the common ones.
import { normalizeFieldName } from "../lib/field-name.ts";

export type ContactColumn = "name" | "firstName" | "lastName" | "phone" | "email" | "zip" | "lastJobDate" | "tags";

const ALIASES: Record<ContactColumn, string[]> = {
  name: ["name", "full_name", "fullname", "customer_name", "contact_name", "customer", "client_name"],
  firstName: ["first_name", "firstname", "first", "given_name", "fname"],
  lastName: ["last_name", "lastname", "last", "surname", "family_name", "lname"],
  phone: ["phone", "phone_number", "phonenumber", "mobile", "mobile_phone", "mobile_number", "cell", "cell_phone", "cellphone", "telephone", "tel"],
  email: ["email", "email_address", "e_mail", "emailaddress"],
  zip: ["zip", "zip_code", "zipcode", "postal_code", "postalcode", "postcode", "post_code"],
  lastJobDate: ["last_job_date", "last_job", "last_service_date", "last_visit_date", "last_visit"],
  tags: ["tags", "tag", "labels"],
};
const COLUMN_OF = new Map(Object.entries(ALIASES).flatMap(([column, names]) => names.map((n) => [n, column as ContactColumn] as const)));

export interface ContactHeader {
  /** for each CSV column, the field it fills (undefined: ignored) */
  columns: (ContactColumn | undefined)[];
  /** header names that fill nothing (told to the user, not an error) */
  ignored: string[];
}

/** Maps a header row; an error when no column holds a phone (the merge key) or a field appears twice. */
export function readContactHeader(header: readonly string[]): { ok: true; header: ContactHeader } | { ok: false; error: string } {
  const seen = new Map<ContactColumn, string>();
  const columns: (ContactColumn | undefined)[] = [];
  const ignored: string[] = [];
  for (const raw of header) {
    const column = COLUMN_OF.get(normalizeFieldName(raw));
    if (column && seen.has(column)) return { ok: false, error: `header: "${raw}" and "${seen.get(column)}" both give the ${column}` };
    if (column) seen.set(column, raw);
    else if (raw.trim() !== "") ignored.push(raw.trim());
    columns.push(column);
  }
  if (!seen.has("phone")) return { ok: false, error: `header: no phone column (expected one of ${ALIASES.phone.slice(0, 6).join(", ")}…)` };
  return { ok: true, header: { columns, ignored } };
}

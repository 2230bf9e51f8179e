// The contact a door statement is about: by id, or — in a batch behind the statement that found or
// made the contact for a phone (record-message-sql.ts) — by that phone, since a statement in a batch
// cannot read an earlier one's result.
export type ContactKey = { id: string } | { phone: string };

/** The SQL for the contact's id, with $1 the business and $2 the key's id or phone. */
export function contactOf(key: ContactKey): string {
  return "id" in key ? "$2::text" : `(SELECT "id" FROM "Contact" WHERE "businessId" = $1 AND "phone" = $2::text)`;
}

/** $2's value for the key. */
export function contactParam(key: ContactKey): string {
  return "id" in key ? key.id : key.phone;
}

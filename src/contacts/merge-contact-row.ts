import type { ContactRow } from "./parse-contact-row.ts";

/**
 * Two rows for one phone, as one (pure): what is already known is kept (name, email, ZIP), the
 * later last-job date wins, tags are united. The database merges into an existing contact the same way.
 */
export function mergeContactRow(first: ContactRow, next: ContactRow): ContactRow {
  const merged: ContactRow = { phone: first.phone, tags: [...first.tags, ...next.tags.filter((t) => !first.tags.includes(t))] };
  const name = first.name ?? next.name;
  const email = first.email ?? next.email;
  const zip = first.zip ?? next.zip;
  // YYYY-MM-DD strings order like the dates they name
  const lastJobDate = [first.lastJobDate, next.lastJobDate]
    .filter((d): d is string => d !== undefined)
    .sort()
    .pop();
  if (name !== undefined) merged.name = name;
  if (email !== undefined) merged.email = email;
  if (zip !== undefined) merged.zip = zip;
  if (lastJobDate !== undefined) merged.lastJobDate = lastJobDate;
  return merged;
}

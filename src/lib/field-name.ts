/**
 * A field name as people and tools write it, in one spelling: "Zip / Postal Code", "utmSource",
 * "your-phone", "E-mail" → zip_postal_code, utm_source, your_phone, e_mail. Forms and CSV headers
 * match their aliases on this.
 */
export function normalizeFieldName(k: string): string {
  return k
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[\s./-]+/g, "_")
    .replace(/[^a-z0-9_]/g, "")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "");
}

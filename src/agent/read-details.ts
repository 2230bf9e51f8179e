// What a homeowner's text says about the job, read without a model: a 5-digit ZIP and a service
// named by its name, key, one of its aliases, or a telling word of its name ("drain" for
// "Drain cleaning"; words every trade uses, like "repair", do not tell).
const GENERIC = new Set([
  "repair",
  "repairs",
  "service",
  "services",
  "cleaning",
  "install",
  "installation",
  "replacement",
  "inspection",
  "maintenance",
  "estimate",
  "general",
  "other",
]);

export function readDetails(text: string, services: { key: string; name: string; aliases?: string[] }[]): { zip?: string; service?: string } {
  const zip = /(?<!\d)(\d{5})(?!\d)/.exec(text)?.[1];
  const lower = ` ${text.toLowerCase().replace(/[^a-z0-9 ]+/g, " ")} `;
  const has = (w: string) => w.length > 0 && lower.includes(` ${w.toLowerCase()} `);
  const service =
    services.find((s) => [s.name, s.key.replace(/-/g, " "), ...(s.aliases ?? [])].some(has)) ??
    services.find((s) =>
      s.name
        .toLowerCase()
        .split(/\s+/)
        .some((w) => w.length >= 4 && !GENERIC.has(w) && has(w)),
    );
  return { ...(zip ? { zip } : {}), ...(service ? { service: service.key } : {}) };
}

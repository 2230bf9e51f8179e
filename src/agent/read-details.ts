// What a homeowner's text says about the job, read without a model: a 5-digit ZIP and a service
// named by its name, key or one of its aliases.
export function readDetails(text: string, services: { key: string; name: string; aliases?: string[] }[]): { zip?: string; service?: string } {
  const zip = /(?<!\d)(\d{5})(?!\d)/.exec(text)?.[1];
  const lower = ` ${text.toLowerCase().replace(/[^a-z0-9 ]+/g, " ")} `;
  const service = services.find((s) => [s.name, s.key.replace(/-/g, " "), ...(s.aliases ?? [])].some((w) => w && lower.includes(` ${w.toLowerCase()} `)));
  return { ...(zip ? { zip } : {}), ...(service ? { service: service.key } : {}) };
}

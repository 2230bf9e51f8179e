/** Fills {{name}} placeholders; an unknown placeholder is removed rather than sent to a customer. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template
    .replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_, k: string) => vars[k] ?? "")
    .replace(/ {2,}/g, " ")
    .trim();
}

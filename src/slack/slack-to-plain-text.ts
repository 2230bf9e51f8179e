// What a dispatcher typed, as the homeowner should read it: Slack sends mentions and links as
// markup (<@U123>, <https://x|x>, <!here>) and escapes &, <, >.
// A markup's insides never hold a raw "<" (Slack escapes it), so no pattern reads past one: a text of many "<" without ">"
// would otherwise be rescanned to its end from each of them (quadratic: 100 kB took 20 s).
export function slackToPlainText(text: string, names: Record<string, string> = {}): string {
  return text
    .replace(/<@([A-Z0-9]+)(?:\|([^<>]+))?>/g, (_, id: string, label?: string) => `@${label ?? names[id] ?? id}`)
    .replace(/<#[A-Z0-9]+\|([^<>]+)>/g, "#$1")
    .replace(/<!(here|channel|everyone)(?:\|[^<>]*)?>/g, "@$1")
    .replace(/<!subteam\^[A-Z0-9]+\|([^<>]+)>/g, "$1")
    .replace(/<(mailto:)?([^|<>]+)\|([^<>]+)>/g, (_, __, url: string, label: string) => (label === url ? url : `${label} (${url})`))
    .replace(/<(?:mailto:)?([^<>]+)>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .trim();
}

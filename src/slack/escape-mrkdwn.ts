// Slack reads &, < and > as markup (links, mentions, @here): text from homeowners is escaped so it
// can never ping a channel or forge a link.
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// `/leadline …` in words: today's leads, find a contact, pause or resume the AI for the business.
export type SlashCommand = { kind: "today" } | { kind: "find"; query: string } | { kind: "pause" } | { kind: "resume" } | { kind: "help"; unknown?: string };

export function parseSlashCommand(text: string): SlashCommand {
  const [word = "", ...rest] = text.trim().split(/\s+/);
  const arg = rest.join(" ").trim();
  switch (word.toLowerCase()) {
    case "":
    case "today":
    case "leads":
      return { kind: "today" };
    case "find":
    case "search":
      return arg ? { kind: "find", query: arg.slice(0, 100) } : { kind: "help", unknown: "find needs a phone number or a name" };
    case "pause":
      return { kind: "pause" };
    case "resume":
      return { kind: "resume" };
    case "help":
      return { kind: "help" };
    default:
      return { kind: "help", unknown: `unknown command "${word.slice(0, 40)}"` };
  }
}

export const SLASH_HELP = [
  "`/leadline today` — today's leads",
  "`/leadline find 212 555 0123` or `/leadline find Maria` — find a contact",
  "`/leadline pause` / `/leadline resume` — switch the AI off or on for the business",
].join("\n");

// One message of a conversation as a thread reply, marked by who wrote it (homeowner, AI,
// dispatcher, system). MMS photos become image blocks (with a link, in case Slack cannot fetch them).
import { escapeMrkdwn } from "./escape-mrkdwn.ts";
import type { SlackPost } from "./slack-api.ts";

export interface MirroredMessage {
  direction: "inbound" | "outbound" | string;
  channel: string;
  author: string;
  authorName: string | null;
  body: string;
  media: { url: string; contentType?: string | undefined }[];
  status: string;
  holdReason: string | null;
}

/** the marker every mirrored line starts with */
export function speakerOf(m: Pick<MirroredMessage, "direction" | "author" | "authorName">): string {
  if (m.direction === "inbound") return "Homeowner";
  if (m.author === "ai") return "AI";
  if (m.author === "template") return "AI (template)";
  if (m.author === "human") return m.authorName ? `Dispatcher (${m.authorName})` : "Dispatcher";
  return "System";
}

const EMOJI: Record<string, string> = { Homeowner: ":bust_in_silhouette:", AI: ":robot_face:", System: ":gear:" };
const MAX_TEXT = 2900; // a section's text may hold 3000 characters

export function buildMirrorPost(m: MirroredMessage): SlackPost {
  const speaker = speakerOf(m);
  const emoji = EMOJI[speaker.split(" ")[0]!] ?? (m.author === "human" ? ":technologist:" : ":robot_face:");
  const via = m.channel === "voice" ? " (call)" : m.channel === "webchat" ? " (web chat)" : "";
  const held = m.status === "blocked" || m.status === "scheduled" ? ` _(${m.status}${m.holdReason ? `: ${escapeMrkdwn(m.holdReason)}` : ""})_` : "";
  const body = m.body.trim() ? escapeMrkdwn(m.body).slice(0, MAX_TEXT) : "_(no text)_";
  const blocks: unknown[] = [{ type: "section", text: { type: "mrkdwn", text: `${emoji} *${escapeMrkdwn(speaker)}*${via}${held}\n${body}` } }];
  const links: string[] = [];
  m.media.forEach((x, i) => {
    if (!/^https?:\/\//.test(x.url)) return;
    if (x.contentType?.startsWith("image/")) blocks.push({ type: "image", image_url: x.url, alt_text: `photo ${i + 1} from the homeowner` });
    links.push(`<${x.url}|${x.contentType?.startsWith("image/") ? "photo" : "attachment"} ${i + 1}>`);
  });
  if (links.length) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: links.join(" · ") }] });
  return { text: `${speaker}: ${escapeMrkdwn(m.body)}`.slice(0, MAX_TEXT), blocks };
}

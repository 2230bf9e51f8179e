// An office alert as a Slack post. Emergencies ping the channel (<!here>); the rest do not.
import { escapeMrkdwn } from "./escape-mrkdwn.ts";
import type { SlackPost } from "./slack-api.ts";

export interface AlertFacts {
  kind: string;
  message: string;
  /** the contact it is about, when the alert names a conversation */
  contact: { name: string | null; phone: string | null } | null;
}

const TITLES: Record<string, string> = {
  emergency: ":rotating_light: *Emergency*",
  "ai-failure": ":warning: *AI failure*",
  "send-unknown": ":warning: *Text may not have gone out*",
  undelivered: ":warning: *Text not delivered*",
  "late-textback": ":hourglass: *Missed call not texted back in time*",
  "late-speed-to-lead": ":hourglass: *Web lead not texted in time*",
  unanswered: ":hourglass: *Lead waiting for a person*",
  handoff: ":raising_hand: *Handed to the office*",
  "voice-handoff": ":telephone_receiver: *Caller being transferred by the voice assistant*",
  "lead-ready": ":telephone_receiver: *Lead ready for a call back*",
};

export function buildAlertPost(a: AlertFacts): SlackPost {
  const title = TITLES[a.kind] ?? `:bell: *${escapeMrkdwn(a.kind)}*`;
  const who = a.contact ? [a.contact.name, a.contact.phone].filter(Boolean).join(" · ") : "";
  const ping = a.kind === "emergency" ? "<!here> " : "";
  const line = `${ping}${title}${who ? ` — ${escapeMrkdwn(who)}` : ""}\n${escapeMrkdwn(a.message)}`;
  return { text: `${ping}${a.kind}: ${escapeMrkdwn(a.message)}`, blocks: [{ type: "section", text: { type: "mrkdwn", text: line.slice(0, 2900) } }] };
}

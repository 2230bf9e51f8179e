// The root of a conversation's thread: who the lead is and where it stands, with the dispatcher's
// buttons. Pure: the card is rebuilt from current facts and replaced in place (chat.update), so an
// update that arrives late or twice still shows the truth.
import { escapeMrkdwn } from "./escape-mrkdwn.ts";
import type { SlackPost } from "./slack-api.ts";

export interface LeadCardFacts {
  conversationId: string;
  name: string | null;
  phone: string | null;
  /** sms, webchat, voice… (the conversation's channel) */
  channel: string;
  source: string | null;
  service: string | null;
  zip: string | null;
  stage: string | null;
  handledBy: "ai" | "human";
  /** who took it over ("Dana", "emergency"), when a person handles it */
  handler: string | null;
  /** the business's AI switch (off: template replies only) */
  aiEnabled: boolean;
  /** the next booked visit, already worded in the business's zone */
  appointment: string | null;
}

export const CARD_ACTIONS = {
  takeOver: "leadline_take_over",
  resumeAi: "leadline_resume_ai",
  markBooked: "leadline_mark_booked",
  markLost: "leadline_mark_lost",
  spam: "leadline_spam",
} as const;
export type CardAction = (typeof CARD_ACTIONS)[keyof typeof CARD_ACTIONS];

const STAGE_LABEL: Record<string, string> = {
  new: "New",
  contacted: "Contacted",
  qualified: "Qualified",
  booked: "Booked",
  won: "Won",
  lost: "Lost",
  spam: "Spam",
};

export function handlerLabel(f: Pick<LeadCardFacts, "handledBy" | "handler" | "aiEnabled">): string {
  if (f.handledBy === "human") return f.handler ? `a person (${f.handler})` : "a person";
  return f.aiEnabled ? "the AI" : "template replies (AI off)";
}

export function buildLeadCard(f: LeadCardFacts): SlackPost {
  const who = f.name?.trim() || f.phone || "Unknown contact";
  const stage = f.stage ? (STAGE_LABEL[f.stage] ?? f.stage) : "—";
  const fields: [string, string][] = [
    ["Phone", f.phone ?? "—"],
    ["Source", f.source ?? "—"],
    ["Service", f.service ?? "—"],
    ["ZIP", f.zip ?? "—"],
    ["Stage", stage],
    ["Handled by", handlerLabel(f)],
  ];
  if (f.appointment) fields.push(["Visit", f.appointment]);
  const button = (text: string, action: CardAction, style?: "primary" | "danger") => ({
    type: "button",
    text: { type: "plain_text", text },
    action_id: action,
    value: f.conversationId,
    ...(style ? { style } : {}),
  });
  const closed = f.stage === "lost" || f.stage === "spam";
  const buttons = [
    f.handledBy === "ai" ? button("Take over", CARD_ACTIONS.takeOver, "primary") : button("Resume AI", CARD_ACTIONS.resumeAi),
    ...(f.stage === "booked" || f.stage === "won" ? [] : [button("Mark booked", CARD_ACTIONS.markBooked)]),
    ...(closed ? [] : [button("Mark lost", CARD_ACTIONS.markLost), { ...button("Spam", CARD_ACTIONS.spam, "danger"), confirm: SPAM_CONFIRM }]),
  ];
  return {
    text: escapeMrkdwn(`New lead: ${who} (${f.phone ?? "no phone"}), ${stage}, handled by ${handlerLabel(f)}`),
    blocks: [
      { type: "header", text: { type: "plain_text", text: `${who}`.slice(0, 150), emoji: false } },
      { type: "section", fields: fields.map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${escapeMrkdwn(v)}` })) },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `via ${escapeMrkdwn(f.channel)} · reply in this thread to text them; start with \`note:\` to keep it internal` }],
      },
      { type: "actions", block_id: "leadline_card", elements: buttons },
    ],
  };
}

const SPAM_CONFIRM = {
  title: { type: "plain_text", text: "Mark as spam?" },
  text: { type: "plain_text", text: "The AI stops answering this conversation." },
  confirm: { type: "plain_text", text: "Spam" },
  deny: { type: "plain_text", text: "Cancel" },
};

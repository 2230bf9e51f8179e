// Which Slack channel messages mean something to Leadline: a person's reply in a lead's thread
// goes to the homeowner, `note:` keeps it internal; bots (the mirror's own posts included), edits,
// deletions and every other subtype are ignored, as are top-level messages.
import { z } from "zod";

export const ZSlackMessageEvent = z.looseObject({
  type: z.literal("message"),
  channel: z.string().min(1),
  user: z.string().min(1).optional(),
  text: z.string().optional(),
  ts: z.string().min(1),
  thread_ts: z.string().min(1).optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  app_id: z.string().optional(),
});
export type TSlackMessageEvent = z.infer<typeof ZSlackMessageEvent>;

export type SlackMessageVerdict =
  | { kind: "reply"; channel: string; threadTs: string; user: string; text: string }
  | { kind: "note"; channel: string; threadTs: string; user: string; text: string }
  | { kind: "ignore"; reason: string };

const NOTE = /^\s*note:\s*/i;

export function classifySlackMessage(event: unknown, botUserId?: string): SlackMessageVerdict {
  const parsed = ZSlackMessageEvent.safeParse(event);
  if (!parsed.success) return { kind: "ignore", reason: "not a channel message" };
  const e = parsed.data;
  if (e.subtype) return { kind: "ignore", reason: `subtype ${e.subtype}` };
  if (e.bot_id || e.app_id) return { kind: "ignore", reason: "from a bot" };
  if (!e.user) return { kind: "ignore", reason: "no author" };
  if (botUserId && e.user === botUserId) return { kind: "ignore", reason: "our own message" };
  if (!e.thread_ts || e.thread_ts === e.ts) return { kind: "ignore", reason: "not a thread reply" };
  const text = e.text ?? "";
  if (!text.trim()) return { kind: "ignore", reason: "empty" };
  const base = { channel: e.channel, threadTs: e.thread_ts, user: e.user };
  if (NOTE.test(text)) return { kind: "note", ...base, text: text.replace(NOTE, "") };
  return { kind: "reply", ...base, text };
}

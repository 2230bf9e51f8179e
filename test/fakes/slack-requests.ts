// Requests as Slack sends them to /slack/events, signed with the v0 scheme:
// X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing secret, `v0:${timestamp}:${raw body}`).
// Events API: JSON envelopes; interactivity: form field `payload` (JSON); slash commands: form fields.
import { createHmac, randomBytes } from "node:crypto";
import { TEAM_ID } from "./slack-api.ts";

export const SIGNING_SECRET = "slack-signing-secret-0123456789abcdef";

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return "v0=" + createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
}

export interface SlackSendOptions {
  secret?: string;
  /** seconds since the epoch (default now) */
  timestamp?: number;
  signature?: string | null;
  retryNum?: number;
}

export async function sendToSlackEndpoint(url: string, body: string, contentType: string, o: SlackSendOptions = {}): Promise<Response> {
  const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { "content-type": contentType, "x-slack-request-timestamp": String(ts) };
  const sig = o.signature === undefined ? slackSignature(o.secret ?? SIGNING_SECRET, ts, body) : o.signature;
  if (sig !== null) headers["x-slack-signature"] = sig;
  if (o.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(o.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  return fetch(`${url}/slack/events`, { method: "POST", headers, body });
}

export const newEventId = () => "Ev" + randomBytes(5).toString("hex").toUpperCase();
export const newTriggerId = () => `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString("hex")}`;
let tsSeq = 0;
export const newTs = () => `${Math.floor(Date.now() / 1000)}.${String(900000 + ++tsSeq)}`;

/** an Events API `message` envelope (a person's thread reply unless told otherwise) */
export function messageEvent(e: {
  channel: string;
  user?: string;
  text: string;
  thread_ts?: string;
  ts?: string;
  subtype?: string;
  bot_id?: string;
  event_id?: string;
}): { body: Record<string, unknown>; eventId: string; ts: string } {
  const eventId = e.event_id ?? newEventId();
  const ts = e.ts ?? newTs();
  const event: Record<string, unknown> = {
    type: "message",
    channel: e.channel,
    text: e.text,
    ts,
    event_ts: ts,
    channel_type: "channel",
    team: TEAM_ID,
    ...(e.user ? { user: e.user, client_msg_id: randomBytes(16).toString("hex") } : {}),
    ...(e.thread_ts ? { thread_ts: e.thread_ts, parent_user_id: "U0LEADBOT" } : {}),
    ...(e.subtype ? { subtype: e.subtype } : {}),
    ...(e.bot_id ? { bot_id: e.bot_id, app_id: "A0LEADAPP", bot_profile: { id: e.bot_id, name: "Leadline" } } : {}),
    blocks: [{ type: "rich_text", block_id: "b1", elements: [{ type: "rich_text_section", elements: [{ type: "text", text: e.text }] }] }],
  };
  const body = {
    token: "legacy-verification-token",
    team_id: TEAM_ID,
    context_team_id: TEAM_ID,
    api_app_id: "A0LEADAPP",
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: "U0LEADBOT", is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: "4-" + randomBytes(20).toString("base64url"),
  };
  return { body, eventId, ts };
}

export function postEvent(url: string, body: unknown, o: SlackSendOptions = {}): Promise<Response> {
  return sendToSlackEndpoint(url, JSON.stringify(body), "application/json", o);
}

/** a `block_actions` payload for a button on a message */
export function blockActions(a: {
  channel: string;
  user: { id: string; username: string };
  actionId: string;
  value: string;
  messageTs: string;
  triggerId?: string;
}) {
  return {
    type: "block_actions",
    user: { id: a.user.id, username: a.user.username, name: a.user.username, team_id: TEAM_ID },
    api_app_id: "A0LEADAPP",
    token: "legacy-verification-token",
    container: { type: "message", message_ts: a.messageTs, channel_id: a.channel, is_ephemeral: false },
    trigger_id: a.triggerId ?? newTriggerId(),
    team: { id: TEAM_ID, domain: "acme-office" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: a.channel, name: "leads" },
    message: { type: "message", user: "U0LEADBOT", ts: a.messageTs, bot_id: "B0LEADBOT", text: "lead card" },
    state: { values: {} },
    response_url: `https://hooks.slack.test/actions/${TEAM_ID}/1/x`,
    actions: [
      {
        action_id: a.actionId,
        block_id: "leadline_card",
        text: { type: "plain_text", text: a.actionId, emoji: true },
        value: a.value,
        type: "button",
        action_ts: `${Math.floor(Date.now() / 1000)}.123456`,
      },
    ],
  };
}

export function postInteraction(url: string, payload: unknown, o: SlackSendOptions = {}): Promise<Response> {
  return sendToSlackEndpoint(url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded", o);
}

export function postSlashCommand(
  url: string,
  c: { channel: string; user: { id: string; username: string }; text: string },
  o: SlackSendOptions = {},
): Promise<Response> {
  const form = new URLSearchParams({
    token: "legacy-verification-token",
    team_id: TEAM_ID,
    team_domain: "acme-office",
    channel_id: c.channel,
    channel_name: "leads",
    user_id: c.user.id,
    user_name: c.user.username,
    command: "/leadline",
    text: c.text,
    api_app_id: "A0LEADAPP",
    is_enterprise_install: "false",
    response_url: `https://hooks.slack.test/commands/${TEAM_ID}/1/x`,
    trigger_id: newTriggerId(),
  });
  return sendToSlackEndpoint(url, form.toString(), "application/x-www-form-urlencoded", o);
}

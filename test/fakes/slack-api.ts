// A fake Slack Web API at the HTTP boundary (msw), answering with Slack's own JSON shapes:
// auth.test, chat.postMessage, chat.update, users.info, conversations.replies/history (message
// metadata when include_all_metadata is set). The WebClient posts form-encoded bodies
// (blocks as a JSON string) with the token in the Authorization header; both that and JSON are read.
// Failures can be queued: a 429 with Retry-After, a 5xx, a dropped connection, an `ok: false`.
import { http, HttpResponse } from "msw";

export const SLACK_BASE = "https://slack.test";
export const BOT_TOKEN = "xoxb-1111-2222-leadlinetestbot";
export const BOT_USER_ID = "U0LEADBOT";
export const BOT_ID = "B0LEADBOT";
export const TEAM_ID = "T0ACME001";

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  /** wall-clock ms when the fake received it */
  at: number;
}

export interface SlackPostRecord {
  channel: string;
  ts: string;
  thread_ts: string | undefined;
  text: string;
  blocks: unknown[];
  /** chat.postMessage's `metadata` ({ event_type, event_payload }) */
  metadata: unknown;
  /** the latest chat.update replaces text and blocks */
  updates: number;
}

/** "accept-then-drop": Slack stores the post, but the connection drops before its answer */
export type SlackFailure =
  | { kind: "429"; retryAfter: number }
  | { kind: "5xx"; status: number }
  | { kind: "network" }
  | { kind: "accept-then-drop" }
  | { kind: "error"; error: string };

export interface SlackUser {
  id: string;
  name: string;
  real_name: string;
  display_name: string;
}

export function createSlackFake(base = SLACK_BASE) {
  const calls: SlackCall[] = [];
  const posts: SlackPostRecord[] = [];
  const failures: { method: string | undefined; f: SlackFailure }[] = [];
  const users = new Map<string, SlackUser>();
  let down = false;
  let seq = 0;
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, "0")}`;

  const botMessage = (p: SlackPostRecord) => ({
    type: "message",
    text: p.text,
    user: BOT_USER_ID,
    bot_id: BOT_ID,
    app_id: "A0LEADAPP",
    ts: p.ts,
    team: TEAM_ID,
    blocks: p.blocks,
    ...(p.thread_ts ? { thread_ts: p.thread_ts, parent_user_id: BOT_USER_ID } : {}),
    bot_profile: { id: BOT_ID, app_id: "A0LEADAPP", name: "Leadline", deleted: false, team_id: TEAM_ID },
  });

  async function readArgs(request: Request): Promise<Record<string, unknown>> {
    const raw = await request.text();
    if ((request.headers.get("content-type") ?? "").includes("application/json")) return JSON.parse(raw || "{}") as Record<string, unknown>;
    const form = new URLSearchParams(raw);
    const out: Record<string, unknown> = {};
    for (const [k, v] of form) out[k] = k === "blocks" || k === "attachments" || k === "metadata" ? JSON.parse(v) : v;
    return out;
  }

  const ok = (body: Record<string, unknown>) => HttpResponse.json({ ok: true, ...body });
  const notOk = (error: string) => HttpResponse.json({ ok: false, error });

  const handler = http.post(`${base}/api/:method`, async ({ request, params }) => {
    const method = String(params.method);
    if ((request.headers.get("authorization") ?? "") !== `Bearer ${BOT_TOKEN}`) return notOk("invalid_auth");
    const args = await readArgs(request);
    calls.push({ method, args, at: Date.now() });
    if (down) return HttpResponse.error();
    const i = failures.findIndex((x) => !x.method || x.method === method);
    const f = i >= 0 ? failures.splice(i, 1)[0]!.f : undefined;
    if (f?.kind === "429") return HttpResponse.json({ ok: false, error: "ratelimited" }, { status: 429, headers: { "Retry-After": String(f.retryAfter) } });
    if (f?.kind === "5xx") return new HttpResponse("upstream trouble", { status: f.status });
    if (f?.kind === "network") return HttpResponse.error();
    if (f?.kind === "error") return notOk(f.error);
    const answer = answerFor(method, args);
    return f?.kind === "accept-then-drop" ? HttpResponse.error() : answer;
  });

  function answerFor(method: string, args: Record<string, unknown>) {
    const withMeta = (p: SlackPostRecord) => ({ ...botMessage(p), ...(args.include_all_metadata && p.metadata ? { metadata: p.metadata } : {}) });
    switch (method) {
      case "auth.test":
        return ok({
          url: "https://acme-office.slack.com/",
          team: "Acme Office",
          user: "leadline",
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
          is_enterprise_install: false,
        });
      case "chat.postMessage": {
        const channel = String(args.channel ?? "");
        if (!channel) return notOk("channel_not_found");
        if (!args.text && !args.blocks) return notOk("no_text");
        const thread = typeof args.thread_ts === "string" ? args.thread_ts : undefined;
        if (thread && !posts.some((p) => p.ts === thread && p.channel === channel)) return notOk("thread_not_found");
        const p: SlackPostRecord = {
          channel,
          ts: nextTs(),
          thread_ts: thread,
          text: String(args.text ?? ""),
          blocks: (args.blocks as unknown[]) ?? [],
          metadata: args.metadata,
          updates: 0,
        };
        posts.push(p);
        return ok({ channel, ts: p.ts, message: botMessage(p) });
      }
      case "chat.update": {
        const p = posts.find((x) => x.channel === args.channel && x.ts === args.ts);
        if (!p) return notOk("message_not_found");
        p.text = String(args.text ?? p.text);
        p.blocks = (args.blocks as unknown[]) ?? p.blocks;
        p.updates++;
        return ok({ channel: p.channel, ts: p.ts, text: p.text, message: { ...botMessage(p), edited: { user: BOT_USER_ID, ts: nextTs() } } });
      }
      case "users.info": {
        const u = users.get(String(args.user));
        if (!u) return notOk("user_not_found");
        return ok({
          user: {
            id: u.id,
            team_id: TEAM_ID,
            name: u.name,
            deleted: false,
            real_name: u.real_name,
            tz: "America/New_York",
            tz_label: "Eastern Standard Time",
            tz_offset: -18000,
            profile: {
              real_name: u.real_name,
              display_name: u.display_name,
              real_name_normalized: u.real_name,
              display_name_normalized: u.display_name,
              team: TEAM_ID,
            },
            is_admin: false,
            is_owner: false,
            is_bot: false,
            is_app_user: false,
            updated: 1700000000,
          },
        });
      }
      case "conversations.replies": {
        const root = posts.find((x) => x.channel === args.channel && x.ts === args.ts);
        if (!root) return notOk("thread_not_found");
        const messages = [root, ...posts.filter((x) => x.channel === args.channel && x.thread_ts === root.ts)].map(withMeta);
        return ok({ messages, has_more: false, response_metadata: { next_cursor: "" } });
      }
      case "conversations.history": {
        const oldest = Number(args.oldest ?? 0);
        const messages = posts
          .filter((x) => x.channel === args.channel && !x.thread_ts && Number(x.ts) > oldest)
          .reverse()
          .map(withMeta);
        return ok({ messages, has_more: false, pin_count: 0, channel_actions_ts: null, channel_actions_count: 0, response_metadata: { next_cursor: "" } });
      }
      default:
        return notOk("unknown_method");
    }
  }

  return {
    handler,
    calls,
    posts,
    users,
    addUser(u: SlackUser) {
      users.set(u.id, u);
    },
    /** the next calls (of `method`, or any) fail like this, in order */
    failNext(f: SlackFailure, method?: string) {
      failures.push({ method, f });
    },
    /** every call fails at the connection until `up()` */
    down() {
      down = true;
    },
    up() {
      down = false;
    },
    /** the root posts (lead cards) in a channel */
    roots: (channel: string) => posts.filter((p) => p.channel === channel && !p.thread_ts),
    thread: (ts: string) => posts.filter((p) => p.thread_ts === ts),
    reset() {
      calls.length = 0;
      posts.length = 0;
      failures.length = 0;
      down = false;
    },
  };
}

/** every mrkdwn/plain text inside a post's blocks, joined (what a person reads) */
export function textOf(p: { text: string; blocks: unknown[] }): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.text === "string") out.push(o.text);
      for (const [k, x] of Object.entries(o)) if (k !== "text" || typeof x !== "string") walk(x);
    }
  };
  walk(p.blocks);
  return out.length ? out.join("\n") : p.text;
}

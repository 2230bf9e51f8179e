// The Slack Web API as Leadline uses it: post, update, who is this user. One WebClient with no
// retries of its own: the callers retry in order (the mirror's cursor, the next sweep), and a 429
// comes back as RetryLaterError carrying Slack's Retry-After so nobody hammers a rate limit.
import { webApi } from "@slack/bolt";
import { RetryLaterError } from "../events/create-event-dispatcher.ts";

export interface SlackPost {
  text: string;
  blocks?: unknown[];
}

/** event_type of the metadata every Leadline post carries, so a post whose answer was lost can be found */
export const POST_METADATA_TYPE = "leadline_post";

export interface SlackApi {
  /** posts to a channel (or a thread when threadTs is given), tagged with `key` when given; returns the message ts */
  post(channel: string, msg: SlackPost, threadTs?: string, key?: string): Promise<string>;
  /** the ts of a post tagged `key` in the thread (or the channel since `oldest`), if Slack has one */
  findPost(channel: string, key: string, where: { threadTs?: string | undefined; oldest: Date }): Promise<string | undefined>;
  update(channel: string, ts: string, msg: SlackPost): Promise<void>;
  /** a person's display name (cached); the user id when Slack cannot say */
  userName(userId: string): Promise<string>;
  /** the bot's own user id (auth.test, once) */
  botUserId(): Promise<string | undefined>;
}

/** Slack answered and said no (channel_not_found, invalid_blocks…): retrying cannot help. */
export class SlackRefusedError extends Error {
  constructor(readonly slackError: string) {
    super(`Slack refused: ${slackError}`);
    this.name = "SlackRefusedError";
  }
}

/** The request may or may not have reached Slack (timeout, dropped connection): look before posting again. */
export class SlackOutcomeUnknownError extends Error {
  constructor(message: string) {
    super(`Slack did not answer: ${message}`);
    this.name = "SlackOutcomeUnknownError";
  }
}

/** refusals that a later retry can fix (an outage on Slack's side) */
const TRANSIENT = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited", "team_added_to_org"]);

export function createSlackApi(o: { token: string; apiUrl?: string | undefined; timeoutMs?: number }): SlackApi {
  const client = new webApi.WebClient(o.token, {
    slackApiUrl: slackApiUrl(o.apiUrl),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: o.timeoutMs ?? 10_000,
    logLevel: webApi.LogLevel.ERROR,
  });
  const names = new Map<string, string>();
  let me: Promise<string | undefined> | undefined;

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw translate(e);
    }
  }

  return {
    async post(channel, msg, threadTs, key) {
      const r = await call(() =>
        client.chat.postMessage({
          channel,
          text: msg.text,
          ...(msg.blocks ? { blocks: msg.blocks as never } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(key ? { metadata: { event_type: POST_METADATA_TYPE, event_payload: { key } } } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!r.ts) throw new Error("chat.postMessage answered without a ts");
      return r.ts;
    },
    async findPost(channel, key, where) {
      const page = await call(() =>
        where.threadTs
          ? client.conversations.replies({ channel, ts: where.threadTs, include_all_metadata: true, limit: 200 })
          : client.conversations.history({ channel, oldest: (where.oldest.getTime() / 1000).toFixed(6), include_all_metadata: true, limit: 200 }),
      );
      const found = page.messages?.find((m) => {
        const meta = (m as { metadata?: { event_type?: string; event_payload?: { key?: unknown } } }).metadata;
        return meta?.event_type === POST_METADATA_TYPE && meta.event_payload?.key === key;
      });
      return found?.ts;
    },
    async update(channel, ts, msg) {
      await call(() => client.chat.update({ channel, ts, text: msg.text, ...(msg.blocks ? { blocks: msg.blocks as never } : {}) }));
    },
    async userName(userId) {
      const known = names.get(userId);
      if (known) return known;
      try {
        const r = await call(() => client.users.info({ user: userId }));
        const name = r.user?.profile?.display_name || r.user?.real_name || r.user?.name || userId;
        names.set(userId, name);
        return name;
      } catch {
        return userId; // a name is nice to have; the reply still goes out
      }
    },
    botUserId() {
      me ??= call(() => client.auth.test()).then(
        (r) => r.user_id,
        () => {
          me = undefined; // ask again next time
          return undefined;
        },
      );
      return me;
    },
  };
}

/**
 * SLACK_API_URL as `@slack/web-api` names it (`https://slack.com/api/`, the default), or a bare host
 * (`https://slack.com`, or a proxy's prefix) under which the Web API lives at /api/: either way the
 * base the SDK wants, ending in /api/.
 */
export function slackApiUrl(base: string | undefined): string {
  const trimmed = (base ?? "https://slack.com/api/").trim().replace(/\/+$/, "");
  return /\/api$/i.test(new URL(trimmed).pathname) ? `${trimmed}/` : `${trimmed}/api/`;
}

function translate(e: unknown): Error {
  const err = e as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (err.code === webApi.ErrorCode.RateLimitedError) return new RetryLaterError("Slack rate limit (429)", Math.max(1, err.retryAfter ?? 1) * 1000);
  if (err.code === webApi.ErrorCode.PlatformError && err.data?.error && !TRANSIENT.has(err.data.error)) return new SlackRefusedError(err.data.error);
  if (err.code === webApi.ErrorCode.RequestError) return new SlackOutcomeUnknownError(err.message ?? "request failed");
  return e instanceof Error ? e : new Error(String(e));
}

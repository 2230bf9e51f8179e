import twilio from "twilio";
import { createTwilioHttpClient } from "./twilio-http-client.ts";
import { type FindSentQuery, outcomeOfNetworkError, ProviderError, type SmsProvider } from "./sms-provider.ts";

/** Messages list: Twilio's default page size; the pages read before "cannot tell" */
const LIST_PAGE_SIZE = 50;
const LIST_MAX_PAGES = 3;

/** The Node/axios error code of a call that got no HTTP answer (axios copies it; some wrap it in `cause`). */
function networkCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof err.code === "string" ? err.code : typeof err.cause?.code === "string" ? err.cause.code : undefined;
  if (code) return code;
  return /socket hang up/i.test((e as Error).message ?? "") ? "ECONNRESET" : undefined;
}

export interface TwilioProviderOptions {
  accountSid: string;
  authToken: string;
  baseUrl: string;
  /** per HTTP call; a send that times out has an unknown outcome */
  timeoutMs?: number;
  /**
   * Wait before looking a send up in the Messages list: a message Twilio created a moment ago may
   * not be listed yet, and "absent" is only believed after this (tests: 0).
   */
  reconcileDelayMs?: number;
}

export function createTwilioProvider(opts: TwilioProviderOptions): SmsProvider {
  const client = twilio(opts.accountSid, opts.authToken, {
    httpClient: createTwilioHttpClient(opts.baseUrl, opts.timeoutMs ?? 10_000),
    autoRetry: false, // our queue retries with backoff and keeps the row
  });
  // The SDK loads its Messages API on first use (~80 ms, more on a busy machine): do it now, not
  // in the first text-back (where it would also bunch the first sends past the per-number pacing).
  void client.messages;
  const reconcileDelayMs = opts.reconcileDelayMs ?? 2_000;

  const matches = (m: { sid: string; body: string; direction: string; dateCreated: Date | undefined }, q: FindSentQuery) =>
    m.body === q.body &&
    m.direction.startsWith("outbound") &&
    !q.exclude?.includes(m.sid) &&
    // no readable date: keep it a candidate (adopting beats a double text)
    (!m.dateCreated || Number.isNaN(m.dateCreated.getTime()) || m.dateCreated.getTime() >= q.since.getTime());

  return {
    name: "twilio",
    async send(msg) {
      try {
        const m = await client.messages.create({
          to: msg.to,
          from: msg.from,
          body: msg.body,
          ...(msg.statusCallback ? { statusCallback: msg.statusCallback } : {}),
          ...(msg.mediaUrls?.length ? { mediaUrl: msg.mediaUrls } : {}),
        });
        return { providerId: m.sid, status: m.status };
      } catch (e) {
        const err = e as { status?: number; code?: number; message?: string };
        if (typeof err.status === "number") {
          throw new ProviderError(err.message ?? "Twilio error", err.status, err.code !== undefined ? String(err.code) : undefined);
        }
        const code = networkCode(e);
        const outcome = outcomeOfNetworkError(code);
        const what = outcome === "retryable" ? "Twilio unreachable" : "Twilio did not answer";
        throw new ProviderError(`${what}: ${err.message ?? String(e)}`, undefined, code, outcome);
      }
    },

    // GET /2010-04-01/Accounts/{sid}/Messages.json?To=…&From=…&PageSize=50, newest first, following
    // next_page_uri. No DateSent filter: it filters on date_sent, which stays null while Twilio
    // still has the message queued (and is documented to day precision), so it could hide the very
    // message we look for. The time window is applied here, on date_created.
    async findSent(q) {
      if (reconcileDelayMs > 0) await new Promise((ok) => setTimeout(ok, reconcileDelayMs));
      try {
        let page = await client.messages.page({ to: q.to, from: q.from, pageSize: LIST_PAGE_SIZE });
        for (let n = 1; ; n++) {
          const hit = page.instances.find((m) => matches(m, q));
          if (hit) return { providerId: hit.sid, status: hit.status };
          if (!page.nextPageUrl) return "absent"; // the whole history between these numbers was read
          if (n >= LIST_MAX_PAGES) return "cannot-tell";
          page = (await page.nextPage()) as typeof page;
        }
      } catch {
        return "cannot-tell";
      }
    },
  };
}

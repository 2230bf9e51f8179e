// A fake Twilio Messages API at the HTTP boundary (msw), answering with Twilio's own JSON shapes:
// POST …/Messages.json creates (sends) a message, GET …/Messages.json lists them (newest first,
// To/From/DateSent filters, PageSize/Page paging with next_page_uri), as the real API does.
import { randomBytes } from "node:crypto";
import { http, HttpResponse, delay } from "msw";

export interface SentSms {
  accountSid: string;
  To: string;
  From: string;
  Body: string;
  StatusCallback: string | null;
  MediaUrl: string[];
  sid: string;
  /** Twilio's clock when it was created (see `useClock`) */
  dateCreated: Date;
  /** what the Messages list reports for it (the create answer always says "queued") */
  status: string;
}

/**
 * A failure for the next create request: an error answer, "hang" (never answers, not sent),
 * "slow" (answers after 1 s), "network" (connection dropped, not sent), "accept-then-hang" (Twilio
 * takes the message — it is sent and listed — but the answer never comes, so the caller times out),
 * "accept-then-drop" (sent, then the connection drops before the answer).
 */
export type FakeFailure =
  | { status: number; code: number; message: string }
  | "hang"
  | "slow"
  | "network"
  | "accept-then-hang"
  | "accept-then-drop"
  /** answers normally once `release` resolves (listed only then, as a create still in flight is not) */
  | { release: Promise<void> };

/** A failure for the next list request. */
export type FakeListFailure = { status: number; code: number; message: string } | "hang" | "network";

export const TWILIO_ERRORS = {
  unsubscribed: { status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" },
  tooMany: { status: 429, code: 20429, message: "Too Many Requests" },
  serverError: { status: 500, code: 20500, message: "Internal Server Error" },
  invalidTo: { status: 400, code: 21211, message: "The 'To' number +1555 is not a valid phone number." },
} as const;

/** Twilio's date format: RFC 2822, e.g. "Wed, 18 Nov 2026 15:00:00 +0000" */
const rfc2822 = (d: Date) => d.toUTCString().replace("GMT", "+0000");

/** "2026-11-18" or "2026-11-18T15:00:00Z" (what the SDK sends) */
function parseDateFilter(v: string): { at: Date; dayOnly: boolean } | undefined {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const at = new Date(dayOnly ? `${v}T00:00:00Z` : v);
  return Number.isNaN(at.getTime()) ? undefined : { at, dayOnly };
}

function errorJson(f: { status: number; code: number; message: string }) {
  return HttpResponse.json(
    { code: f.code, message: f.message, more_info: `https://www.twilio.com/docs/errors/${f.code}`, status: f.status },
    { status: f.status },
  );
}

export function createTwilioFake(base = "https://api.twilio.com") {
  const sent: SentSms[] = [];
  const attempts: SentSms[] = [];
  const failures: FakeFailure[] = [];
  const listFailures: FakeListFailure[] = [];
  /** every list request's query */
  const lookups: URLSearchParams[] = [];
  let now = () => new Date();

  const messageJson = (m: SentSms, status: string, dateSent: Date | null) => ({
    account_sid: m.accountSid,
    api_version: "2010-04-01",
    body: m.Body,
    date_created: rfc2822(m.dateCreated),
    date_sent: dateSent ? rfc2822(dateSent) : null,
    date_updated: rfc2822(dateSent ?? m.dateCreated),
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    from: m.From,
    messaging_service_sid: null,
    num_media: String(m.MediaUrl.length),
    num_segments: "1",
    price: null,
    price_unit: "USD",
    sid: m.sid,
    status,
    subresource_uris: {
      media: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json`,
      feedback: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Feedback.json`,
    },
    to: m.To,
    uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
  });
  /** a queued message has no date_sent yet */
  const dateSentOf = (m: SentSms) => (["accepted", "queued", "scheduled", "canceled"].includes(m.status) ? null : m.dateCreated);

  const create = async (request: Request, accountSid: string) => {
    const form = new URLSearchParams(await request.text());
    const sid = "SM" + randomBytes(16).toString("hex");
    const msg: SentSms = {
      accountSid,
      To: form.get("To") ?? "",
      From: form.get("From") ?? "",
      Body: form.get("Body") ?? "",
      StatusCallback: form.get("StatusCallback"),
      MediaUrl: form.getAll("MediaUrl"),
      sid,
      dateCreated: now(),
      status: "sent",
    };
    attempts.push(msg);
    const failure = failures.shift();
    if (failure === "accept-then-hang" || failure === "accept-then-drop") {
      sent.push(msg);
      if (failure === "accept-then-drop") return HttpResponse.error();
      await delay("infinite");
    }
    if (failure === "hang") await delay("infinite");
    if (failure === "slow") await delay(1000); // then answers normally
    if (failure === "network") return HttpResponse.error();
    if (failure && typeof failure === "object" && "release" in failure) await failure.release;
    else if (failure && typeof failure === "object") return errorJson(failure);
    sent.push(msg);
    return HttpResponse.json(messageJson(msg, "queued", null), { status: 201 });
  };

  const list = async (request: Request, accountSid: string) => {
    const url = new URL(request.url);
    const q = url.searchParams;
    lookups.push(q);
    const failure = listFailures.shift();
    if (failure === "hang") await delay("infinite");
    if (failure === "network") return HttpResponse.error();
    if (failure && typeof failure === "object") return errorJson(failure);

    const to = q.get("To");
    const from = q.get("From");
    // DateSent filters compare date_sent (a day, or a moment as the SDK sends it); unsent messages never match
    const dateFilters = (["DateSent", "DateSent>", "DateSent<"] as const).flatMap((k) => {
      const v = q.get(k);
      const f = v ? parseDateFilter(v) : undefined;
      return f ? [{ k, ...f }] : [];
    });
    const dayStart = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    const rows = sent
      .filter((m) => (!to || m.To === to) && (!from || m.From === from))
      .filter((m) => {
        if (!dateFilters.length) return true;
        const ds = dateSentOf(m);
        if (!ds) return false;
        return dateFilters.every(({ k, at, dayOnly }) => {
          const t = dayOnly ? dayStart(ds) : ds.getTime();
          return k === "DateSent" ? t === at.getTime() : k === "DateSent>" ? t >= at.getTime() : t <= at.getTime();
        });
      })
      .reverse(); // newest first

    const pageSize = Math.min(Math.max(Number(q.get("PageSize") ?? 50) || 50, 1), 1000);
    const page = Math.max(Number(q.get("Page") ?? 0) || 0, 0);
    const start = page * pageSize;
    const items = rows.slice(start, start + pageSize);
    const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    const pageUri = (p: number, token?: string) => {
      const params = new URLSearchParams();
      for (const [k, v] of q) if (k !== "Page" && k !== "PageToken" && k !== "PageSize") params.append(k, v);
      params.set("PageSize", String(pageSize));
      params.set("Page", String(p));
      if (token) params.set("PageToken", token);
      return `${path}?${params.toString()}`;
    };
    const more = start + pageSize < rows.length;
    return HttpResponse.json({
      end: items.length ? start + items.length - 1 : start,
      first_page_uri: pageUri(0),
      messages: items.map((m) => messageJson(m, m.status, dateSentOf(m))),
      next_page_uri: more ? pageUri(page + 1, `PASM${items.at(-1)?.sid.slice(2) ?? ""}`) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? pageUri(page - 1, `PBSM${items[0]?.sid.slice(2) ?? ""}`) : null,
      start,
      uri: `${path}?${url.search.slice(1)}`,
    });
  };

  // one handler for both verbs, so every current `useMsw(twilio.handler)` gets the list too
  const handler = http.all(`${base}/2010-04-01/Accounts/:accountSid/Messages.json`, async ({ request, params }) => {
    const accountSid = String(params.accountSid);
    if (request.method === "POST") return create(request, accountSid);
    if (request.method === "GET") return list(request, accountSid);
    return errorJson({ status: 405, code: 20004, message: "Method not allowed" });
  });

  return {
    handler,
    /** messages Twilio accepted */
    sent,
    /** every create request, accepted or not */
    attempts,
    /** every Messages list request's query (To, From, PageSize, DateSent>…) */
    lookups,
    /** the next create requests fail like this, in order */
    failNext(...f: FakeFailure[]) {
      failures.push(...f);
    },
    /** the next list requests fail like this, in order */
    failListNext(...f: FakeListFailure[]) {
      listFailures.push(...f);
    },
    /** Twilio's clock for date_created (default: the wall clock); tests pass the app's clock */
    useClock(clock: () => Date) {
      now = clock;
    },
    reset() {
      sent.length = 0;
      attempts.length = 0;
      failures.length = 0;
      listFailures.length = 0;
      lookups.length = 0;
    },
  };
}

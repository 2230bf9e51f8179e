// A fake Twilio Messages API at the HTTP boundary (msw), answering with Twilio's own JSON shapes.
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
}

export type FakeFailure = { status: number; code: number; message: string } | "hang" | "slow" | "network";

export const TWILIO_ERRORS = {
  unsubscribed: { status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" },
  tooMany: { status: 429, code: 20429, message: "Too Many Requests" },
  serverError: { status: 500, code: 20500, message: "Internal Server Error" },
  invalidTo: { status: 400, code: 21211, message: "The 'To' number +1555 is not a valid phone number." },
} as const;

export function createTwilioFake(base = "https://api.twilio.com") {
  const sent: SentSms[] = [];
  const attempts: SentSms[] = [];
  const failures: FakeFailure[] = [];

  const handler = http.post(`${base}/2010-04-01/Accounts/:accountSid/Messages.json`, async ({ request, params }) => {
    const form = new URLSearchParams(await request.text());
    const sid = "SM" + randomBytes(16).toString("hex");
    const msg: SentSms = {
      accountSid: String(params.accountSid),
      To: form.get("To") ?? "",
      From: form.get("From") ?? "",
      Body: form.get("Body") ?? "",
      StatusCallback: form.get("StatusCallback"),
      MediaUrl: form.getAll("MediaUrl"),
      sid,
    };
    attempts.push(msg);
    const failure = failures.shift();
    if (failure === "hang") await delay("infinite");
    if (failure === "slow") await delay(1000); // then answers normally
    if (failure === "network") return HttpResponse.error();
    if (failure && typeof failure === "object") {
      return HttpResponse.json(
        { code: failure.code, message: failure.message, more_info: `https://www.twilio.com/docs/errors/${failure.code}`, status: failure.status },
        { status: failure.status },
      );
    }
    sent.push(msg);
    const now = new Date().toUTCString().replace("GMT", "+0000");
    return HttpResponse.json(
      {
        account_sid: msg.accountSid,
        api_version: "2010-04-01",
        body: msg.Body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: "outbound-api",
        error_code: null,
        error_message: null,
        from: msg.From,
        messaging_service_sid: null,
        num_media: String(msg.MediaUrl.length),
        num_segments: "1",
        price: null,
        price_unit: "USD",
        sid,
        status: "queued",
        subresource_uris: { media: `/2010-04-01/Accounts/${msg.accountSid}/Messages/${sid}/Media.json` },
        to: msg.To,
        uri: `/2010-04-01/Accounts/${msg.accountSid}/Messages/${sid}.json`,
      },
      { status: 201 },
    );
  });

  return {
    handler,
    /** messages Twilio accepted */
    sent,
    /** every request, accepted or not */
    attempts,
    /** the next requests fail like this, in order */
    failNext(...f: FakeFailure[]) {
      failures.push(...f);
    },
    reset() {
      sent.length = 0;
      attempts.length = 0;
      failures.length = 0;
    },
  };
}

// Try it without a phone: posts correctly signed Twilio webhooks at a running Leadline.
import { randomBytes } from "node:crypto";
import twilio from "twilio";

const sid = (prefix: string) => prefix + randomBytes(16).toString("hex");

export interface SimTarget {
  /** where to POST (the running server) */
  url: string;
  /** the URL Twilio would have called: PUBLIC_BASE_URL */
  publicBaseUrl: string;
  token: string;
  accountSid: string;
}

async function post(t: SimTarget, path: string, params: Record<string, string>): Promise<string> {
  const signature = twilio.getExpectedTwilioSignature(t.token, t.publicBaseUrl + path, params);
  const res = await fetch(t.url + path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(params),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text}`);
  return text;
}

/** A call that nobody answers: the voice webhook, then the dial-status `no-answer`. */
export async function simulateMissedCall(t: SimTarget, from: string, to: string, out: (s: string) => void): Promise<void> {
  const call = { CallSid: sid("CA"), AccountSid: t.accountSid, From: from, To: to, CallStatus: "ringing", Direction: "inbound", ApiVersion: "2010-04-01" };
  out(`voice → ${await post(t, "/webhooks/twilio/voice", call)}`);
  out(
    `dial-status → ${await post(t, "/webhooks/twilio/voice/dial-status", { ...call, CallStatus: "in-progress", DialCallStatus: "no-answer", DialCallSid: sid("CA") })}`,
  );
  out(`missed call ${call.CallSid} posted; the text-back shows in the server log (console provider)`);
}

/** An inbound text. */
export async function simulateSms(t: SimTarget, from: string, to: string, body: string, out: (s: string) => void): Promise<void> {
  const messageSid = sid("SM");
  await post(t, "/webhooks/twilio/sms", {
    MessageSid: messageSid,
    SmsSid: messageSid,
    SmsMessageSid: messageSid,
    AccountSid: t.accountSid,
    From: from,
    To: to,
    Body: body,
    NumMedia: "0",
    NumSegments: "1",
    SmsStatus: "received",
    ApiVersion: "2010-04-01",
  });
  out(`sms ${messageSid} posted`);
}

// Twilio webhook payloads as Twilio sends them (form-encoded, signed with X-Twilio-Signature).
import { randomBytes } from "node:crypto";
import twilio from "twilio";

export const ACCOUNT_SID = "AC" + "a1".repeat(16);
export const sid = (prefix: string) => prefix + randomBytes(16).toString("hex");

export function smsParams(p: { from: string; to: string; body: string; messageSid?: string; media?: { url: string; type: string }[] }): Record<string, string> {
  const messageSid = p.messageSid ?? sid(p.media?.length ? "MM" : "SM");
  const out: Record<string, string> = {
    ToCountry: "US",
    ToState: "NY",
    SmsMessageSid: messageSid,
    NumMedia: String(p.media?.length ?? 0),
    ToCity: "NEW YORK",
    FromZip: "10001",
    SmsSid: messageSid,
    FromState: "NY",
    SmsStatus: "received",
    FromCity: "NEW YORK",
    Body: p.body,
    FromCountry: "US",
    To: p.to,
    ToZip: "10001",
    NumSegments: "1",
    MessageSid: messageSid,
    AccountSid: ACCOUNT_SID,
    From: p.from,
    ApiVersion: "2010-04-01",
  };
  p.media?.forEach((m, i) => {
    out[`MediaUrl${i}`] = m.url;
    out[`MediaContentType${i}`] = m.type;
  });
  return out;
}

export function callParams(p: { from: string; to: string; callSid?: string }): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    ApiVersion: "2010-04-01",
    CallSid: p.callSid ?? sid("CA"),
    CallStatus: "ringing",
    Called: p.to,
    CalledCity: "NEW YORK",
    CalledCountry: "US",
    CalledState: "NY",
    CalledZip: "10001",
    Caller: p.from,
    CallerCity: "NEW YORK",
    CallerCountry: "US",
    CallerState: "NY",
    CallerZip: "10001",
    Direction: "inbound",
    From: p.from,
    FromCity: "NEW YORK",
    FromCountry: "US",
    FromState: "NY",
    FromZip: "10001",
    To: p.to,
    ToCity: "NEW YORK",
    ToCountry: "US",
    ToState: "NY",
    ToZip: "10001",
  };
}

export function dialStatusParams(call: Record<string, string>, dialCallStatus: string): Record<string, string> {
  return {
    ...call,
    CallStatus: dialCallStatus === "canceled" ? "completed" : "in-progress",
    DialCallStatus: dialCallStatus,
    DialCallSid: sid("CA"),
    ...(dialCallStatus === "completed" ? { DialCallDuration: "42", DialBridged: "true" } : { DialBridged: "false" }),
  };
}

export function recordingParams(call: Record<string, string>, recordingSid = sid("RE")): Record<string, string> {
  return {
    ...call,
    CallStatus: "completed",
    RecordingSid: recordingSid,
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
    RecordingDuration: "14",
    Digits: "hangup",
  };
}

export function transcriptionParams(call: Record<string, string>, recordingSid: string, text: string): Record<string, string> {
  return {
    ...call,
    TranscriptionSid: sid("TR"),
    TranscriptionText: text,
    TranscriptionStatus: "completed",
    TranscriptionUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Transcriptions/x`,
    RecordingSid: recordingSid,
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
    url: "",
  };
}

export function statusParams(p: { messageSid: string; status: string; from: string; to: string; errorCode?: string }): Record<string, string> {
  return {
    SmsSid: p.messageSid,
    SmsStatus: p.status,
    MessageStatus: p.status,
    To: p.to,
    MessageSid: p.messageSid,
    AccountSid: ACCOUNT_SID,
    From: p.from,
    ApiVersion: "2010-04-01",
    ...(p.errorCode ? { ErrorCode: p.errorCode } : {}),
  };
}

/** POSTs a webhook to the app at `appUrl`, signed for `publicBaseUrl + path` like Twilio does. */
export async function postTwilio(
  appUrl: string,
  publicBaseUrl: string,
  token: string,
  path: string,
  params: Record<string, string>,
  opts: { signature?: string | null } = {},
): Promise<Response> {
  const signature = opts.signature === undefined ? twilio.getExpectedTwilioSignature(token, publicBaseUrl + path, params) : opts.signature;
  return fetch(appUrl + path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(signature ? { "x-twilio-signature": signature } : {}) },
    body: new URLSearchParams(params),
  });
}

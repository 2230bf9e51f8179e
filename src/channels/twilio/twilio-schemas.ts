// Twilio webhook bodies (form-encoded). Only the fields we use are required; the rest pass through.
import { z } from "zod";
import { ZSid } from "../../messaging/providers/twilio-message-status.ts";

const ZNumber = z.string().min(3).max(32);

export const ZTwilioSms = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-zA-Z]{32}$/, "must be a Twilio message sid"),
  AccountSid: ZSid("AC"),
  From: ZNumber,
  To: ZNumber,
  Body: z.string().max(10_000).default(""),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
  FromZip: z.string().optional(),
});
export type TTwilioSms = z.infer<typeof ZTwilioSms>;

export const ZTwilioCall = z.looseObject({
  CallSid: ZSid("CA"),
  AccountSid: ZSid("AC"),
  From: ZNumber,
  To: ZNumber,
  CallStatus: z.string().optional(),
  FromZip: z.string().optional(),
  CallerName: z.string().optional(),
});
export type TTwilioCall = z.infer<typeof ZTwilioCall>;

export const ZDialStatus = ZTwilioCall.extend({
  DialCallStatus: z.enum(["completed", "answered", "busy", "no-answer", "failed", "canceled"]),
  DialCallSid: z.string().optional(),
  DialCallDuration: z.string().optional(),
});
export type TDialStatus = z.infer<typeof ZDialStatus>;

export const ZRecording = z.looseObject({
  CallSid: ZSid("CA"),
  AccountSid: ZSid("AC"),
  RecordingSid: ZSid("RE"),
  RecordingUrl: z.url(),
  RecordingDuration: z.string().optional(),
  TranscriptionSid: z.string().optional(),
  TranscriptionText: z.string().max(20_000).optional(),
  TranscriptionStatus: z.string().optional(),
});
export type TRecording = z.infer<typeof ZRecording>;

/** Twilio's media parameters (MediaUrl0…, MediaContentType0…) as a list. */
export function mediaOf(p: Record<string, unknown>, count: number): { url: string; contentType: string | undefined }[] {
  const out: { url: string; contentType: string | undefined }[] = [];
  for (let i = 0; i < count; i++) {
    const url = p[`MediaUrl${i}`];
    if (typeof url === "string")
      out.push({ url, contentType: typeof p[`MediaContentType${i}`] === "string" ? (p[`MediaContentType${i}`] as string) : undefined });
  }
  return out;
}

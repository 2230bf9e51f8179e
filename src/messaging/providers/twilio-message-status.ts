// Twilio's message status callback (form-encoded), with the provider that sends the messages it reports on.
import { z } from "zod";

/** a Twilio resource sid: two-letter prefix and 32 hex-ish characters */
export const ZSid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-zA-Z]{32}$`), `must be a Twilio ${prefix} sid`);

export const ZMessageStatus = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-zA-Z]{32}$/, "must be a Twilio message sid"),
  AccountSid: ZSid("AC"),
  MessageStatus: z.enum([
    "accepted",
    "scheduled",
    "queued",
    "sending",
    "sent",
    "delivered",
    "undelivered",
    "failed",
    "read",
    "canceled",
    "receiving",
    "received",
    "partially_delivered",
  ]),
  ErrorCode: z.string().optional(),
});
export type TMessageStatus = z.infer<typeof ZMessageStatus>;

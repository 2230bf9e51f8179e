import { randomBytes } from "node:crypto";
import type { Logger } from "../../lib/logger.ts";
import type { OutboundSms, SmsProvider } from "./sms-provider.ts";

export interface ConsoleProviderOptions {
  /** false (production-like settings): only who, to whom and how long, never the words */
  showBodies: boolean;
  sink?: (m: OutboundSms) => void;
}

/**
 * No Twilio credentials: log each text and call it sent, so a bare `npm start` shows its work.
 * Logs are read by more people than texts are: every run of 4 or more digits is masked, so a
 * one-time code (the chat hand-off's 6 digits) never lands in a log; the Message row keeps the text.
 */
export function createConsoleProvider(log: Logger, o: ConsoleProviderOptions): SmsProvider {
  return {
    name: "console",
    async send(msg) {
      o.sink?.(msg);
      if (o.showBodies) {
        const body = maskDigits(msg.body);
        log.info({ to: msg.to, from: msg.from, body }, `[console sms] ${msg.from} -> ${msg.to}: ${body}`);
      } else {
        log.info({ to: msg.to, from: msg.from, chars: msg.body.length }, `[console sms] ${msg.from} -> ${msg.to} (${msg.body.length} characters, not shown)`);
      }
      return { providerId: `SMconsole${randomBytes(12).toString("hex")}`, status: "sent" };
    },
    // a console send never leaves its outcome open: nothing to find
    async findSent() {
      return "absent";
    },
  };
}

/** "code 123456" → "code ******"; shorter numbers (prices, times, a street number) stay */
export function maskDigits(body: string): string {
  return body.replace(/\d{4,}/g, (d) => "*".repeat(d.length));
}

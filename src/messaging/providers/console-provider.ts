import { randomBytes } from "node:crypto";
import type { Logger } from "../../lib/logger.ts";
import type { OutboundSms, SmsProvider } from "./sms-provider.ts";

/** No Twilio credentials: log each text and call it sent, so a bare `npm start` shows its work. */
export function createConsoleProvider(log: Logger, sink?: (m: OutboundSms) => void): SmsProvider {
  return {
    name: "console",
    async send(msg) {
      sink?.(msg);
      log.info({ to: msg.to, from: msg.from, body: msg.body }, `[console sms] ${msg.from} -> ${msg.to}: ${msg.body}`);
      return { providerId: `SMconsole${randomBytes(12).toString("hex")}`, status: "sent" };
    },
    // a console send never leaves its outcome open: nothing to find
    async findSent() {
      return "absent";
    },
  };
}

import twilio from "twilio";
import { ProviderError, type SmsProvider } from "./sms-provider.ts";

const TWILIO_API = "https://api.twilio.com";

/** The SDK has no base-URL option: a RequestClient that rewrites its host to TWILIO_API_BASE_URL. */
function rebasingClient(baseUrl: string, timeoutMs: number): twilio.RequestClient {
  const base = baseUrl.replace(/\/+$/, "");
  class RebasingRequestClient extends twilio.RequestClient {
    override request<_T>(opts: Parameters<twilio.RequestClient["request"]>[0]) {
      const uri = opts.uri.startsWith(TWILIO_API) ? base + opts.uri.slice(TWILIO_API.length) : opts.uri;
      return super.request({ ...opts, uri, timeout: timeoutMs }) as never; // the generic _T is only a label
    }
  }
  return new RebasingRequestClient({ timeout: timeoutMs, keepAlive: true });
}

export function createTwilioProvider(opts: { accountSid: string; authToken: string; baseUrl: string; timeoutMs?: number }): SmsProvider {
  const client = twilio(opts.accountSid, opts.authToken, {
    httpClient: rebasingClient(opts.baseUrl, opts.timeoutMs ?? 10_000),
    autoRetry: false, // our queue retries with backoff and keeps the row
  });
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
        throw new ProviderError(`Twilio unreachable: ${err.message ?? String(e)}`, undefined, undefined);
      }
    },
  };
}

// The seam between the one door out and whoever carries the message (Twilio, or the console).
export interface OutboundSms {
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  mediaUrls?: string[];
}

export interface SmsProvider {
  readonly name: "twilio" | "console";
  /** resolves with the provider's id and status, or throws ProviderError */
  send(msg: OutboundSms): Promise<{ providerId: string; status: string }>;
}

export class ProviderError extends Error {
  constructor(
    message: string,
    /** HTTP status, when the provider answered */
    readonly httpStatus: number | undefined,
    /** provider error code, e.g. Twilio 21610 */
    readonly code: string | undefined,
  ) {
    super(message);
  }
  /** 429, 5xx and no answer at all: try again later. Other 4xx: the request itself is wrong. */
  get retryable(): boolean {
    return this.httpStatus === undefined || this.httpStatus === 429 || this.httpStatus >= 500;
  }
}

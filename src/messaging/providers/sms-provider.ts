// The seam between the one door out and whoever carries the message (Twilio, or the console).
export interface OutboundSms {
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  mediaUrls?: string[];
}

/** What the provider's own records say about a send whose answer we never got. */
export type FindSentResult = { providerId: string; status: string } | "absent" | "cannot-tell";

export interface FindSentQuery {
  to: string;
  from: string;
  /** exactly the body that was sent (already GSM-7 normalised) */
  body: string;
  /** only messages the provider created at or after this moment */
  since: Date;
  /** provider ids other rows already own (an identical earlier text is not this one) */
  exclude?: readonly string[];
}

export interface SmsProvider {
  readonly name: "twilio" | "console";
  /** resolves with the provider's id and status, or throws ProviderError */
  send(msg: OutboundSms): Promise<{ providerId: string; status: string }>;
  /**
   * After a send with an unknown outcome: did the provider create it? A match ⇒ its id and status;
   * "absent" only when the lookup succeeded and covered everything that could match; otherwise
   * "cannot-tell". Never throws.
   */
  findSent(q: FindSentQuery): Promise<FindSentResult>;
}

/**
 * rejected: the provider answered no (4xx other than 429), do not retry.
 * retryable: certainly not sent (429, 5xx, connection refused, DNS failure): send again later.
 * unknown: the request may have reached the provider (timeout, reset after sending): look it up
 * before anything else, never resend blindly.
 */
export type ProviderOutcome = "rejected" | "retryable" | "unknown";

export class ProviderError extends Error {
  readonly outcome: ProviderOutcome;
  constructor(
    message: string,
    /** HTTP status, when the provider answered */
    readonly httpStatus: number | undefined,
    /** provider error code (e.g. Twilio 21610), or the network error code (ECONNREFUSED, ETIMEDOUT…) */
    readonly code: string | undefined,
    /** default: from the HTTP status; no answer at all is "unknown" */
    outcome?: ProviderOutcome,
  ) {
    super(message);
    this.outcome = outcome ?? outcomeOfStatus(httpStatus);
  }
  /** certainly not sent, worth another try */
  get retryable(): boolean {
    return this.outcome === "retryable";
  }
}

function outcomeOfStatus(httpStatus: number | undefined): ProviderOutcome {
  if (httpStatus === undefined) return "unknown";
  return httpStatus === 429 || httpStatus >= 500 ? "retryable" : "rejected";
}

/** Network failures before a byte of the request left: nothing can have been sent. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * The outcome of a call that got no HTTP answer, from the Node/axios error code. Connect-phase
 * failures are retryable; a timeout (ECONNABORTED, ETIMEDOUT), a reset or "socket hang up"
 * (ECONNRESET, EPIPE) and anything unrecognised may have reached the provider: unknown.
 */
export function outcomeOfNetworkError(code: string | undefined): ProviderOutcome {
  return code !== undefined && NOT_SENT_CODES.has(code) ? "retryable" : "unknown";
}

// The send policy, in order: opt-out, replies, consent, then quiet hours and the daily cap.
// Pure: the caller gathers the facts (now from ctx.clock) and acts on the verdict.
import { nextUnderCap } from "./daily-cap.ts";
import { nextAllowedMoment, windowForStates } from "./quiet-hours.ts";
import type { RecipientPlace } from "./resolve-recipient-place.ts";

export interface PolicyFacts {
  now: Date;
  channel: "sms" | "mms" | "webchat";
  /** declared by the caller */
  kind: "reply" | "proactive";
  purpose: "transactional" | "marketing";
  /** when the homeowner's inbound that this answers arrived */
  replyToAt?: Date | undefined;
  /** a "reply" older than this is treated as proactive */
  replyWindowMinutes: number;
  optedOut: boolean;
  marketingConsent: boolean;
  recipient: RecipientPlace;
  /** the profile's allowed window, "HH:MM"–"HH:MM" local, end exclusive */
  quietHours: { start: string; end: string };
  maxProactivePerDay: number;
  /** effective send times of this contact's other proactive messages (sent or scheduled) */
  proactiveTimes: Date[];
}

export type PolicyVerdict =
  | { action: "send"; kind: "reply" | "proactive" }
  | { action: "block"; reason: "opted-out" | "no-consent" | "cap-zero" }
  | { action: "defer"; until: Date; reasons: ("quiet-hours" | "daily-cap")[] };

export function evaluateSendPolicy(f: PolicyFacts): PolicyVerdict {
  const kind = isTimelyReply(f) ? "reply" : "proactive";
  // Web chat reaches a page the homeowner has open, not their phone: no opt-out, hours or caps.
  if (f.channel === "webchat") return { action: "send", kind };
  if (f.optedOut) return { action: "block", reason: "opted-out" };
  // Someone who just wrote is answered at once, whatever the hour or the count.
  if (kind === "reply") return { action: "send", kind };
  if (f.purpose === "marketing" && !f.marketingConsent) return { action: "block", reason: "no-consent" };
  if (f.maxProactivePerDay <= 0) return { action: "block", reason: "cap-zero" };

  const window = windowForStates(f.recipient.states, f.quietHours);
  const reasons = new Set<"quiet-hours" | "daily-cap">();
  let t = f.now;
  // Alternate the two rules until neither moves t. Each cap move lands on some proactive time + 24h,
  // later each time, so there are at most proactiveTimes.length + 1 rounds.
  for (let round = 0; round <= f.proactiveTimes.length + 1; round++) {
    const open = nextAllowedMoment(t, f.recipient.zones, window);
    if (open.getTime() !== t.getTime()) reasons.add("quiet-hours");
    const under = nextUnderCap(open, f.proactiveTimes, f.maxProactivePerDay) ?? open; // cap > 0 here
    if (under.getTime() === open.getTime()) {
      if (open.getTime() === f.now.getTime()) return { action: "send", kind };
      return { action: "defer", until: open, reasons: (["quiet-hours", "daily-cap"] as const).filter((r) => reasons.has(r)) };
    }
    reasons.add("daily-cap");
    t = under;
  }
  throw new Error("evaluateSendPolicy: quiet hours and the daily cap did not settle");
}

/** A declared reply answering an inbound that arrived at most replyWindowMinutes ago. */
function isTimelyReply(f: PolicyFacts): boolean {
  if (f.kind !== "reply" || f.replyToAt === undefined) return false;
  return f.now.getTime() - f.replyToAt.getTime() <= f.replyWindowMinutes * 60_000;
}

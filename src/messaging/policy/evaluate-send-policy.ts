// The send policy, in order: opt-out, replies, consent, then quiet hours, the daily cap and (FL/OK/MD
// marketing) the per-topic cap.
// Pure: the caller gathers the facts (now from ctx.clock) and acts on the verdict.
import { nextUnderCap } from "./daily-cap.ts";
import { nextAllowedMoment, windowForStates } from "./quiet-hours.ts";
import type { RecipientPlace } from "./resolve-recipient-place.ts";
import { topicCapFor } from "./topic-cap.ts";

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
  /** effective send times of this contact's other marketing messages on the same topic (sent or scheduled) */
  topicTimes: Date[];
}

type DeferReason = "quiet-hours" | "daily-cap" | "topic-cap";
const REASONS: readonly DeferReason[] = ["quiet-hours", "daily-cap", "topic-cap"];

export type PolicyVerdict =
  | { action: "send"; kind: "reply" | "proactive" }
  | { action: "block"; reason: "opted-out" | "no-consent" | "cap-zero" }
  | { action: "defer"; until: Date; reasons: DeferReason[] };

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
  const topicCap = topicCapFor(f.recipient.states, f.purpose);
  const reasons = new Set<DeferReason>();
  let t = f.now;
  // Apply the rules in turn until a round moves t no more. A cap move lands on some counted time +
  // 24h, later each time; between two cap moves quiet hours move t at most once more.
  for (let round = 0; round <= 2 * (f.proactiveTimes.length + f.topicTimes.length + 1); round++) {
    const open = nextAllowedMoment(t, f.recipient.zones, window);
    if (open.getTime() !== t.getTime()) reasons.add("quiet-hours");
    const under = nextUnderCap(open, f.proactiveTimes, f.maxProactivePerDay) ?? open; // cap > 0 here
    if (under.getTime() !== open.getTime()) reasons.add("daily-cap");
    const onTopic = topicCap === undefined ? under : (nextUnderCap(under, f.topicTimes, topicCap) ?? under);
    if (onTopic.getTime() !== under.getTime()) reasons.add("topic-cap");
    if (onTopic.getTime() === t.getTime()) {
      if (t.getTime() === f.now.getTime()) return { action: "send", kind };
      return { action: "defer", until: t, reasons: REASONS.filter((r) => reasons.has(r)) };
    }
    t = onTopic;
  }
  throw new Error("evaluateSendPolicy: quiet hours and the caps did not settle");
}

/** A declared reply answering an inbound that arrived at most replyWindowMinutes ago. */
function isTimelyReply(f: PolicyFacts): boolean {
  if (f.kind !== "reply" || f.replyToAt === undefined) return false;
  return f.now.getTime() - f.replyToAt.getTime() <= f.replyWindowMinutes * 60_000;
}

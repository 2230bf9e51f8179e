import { describe, expect, it } from "vitest";
import { evaluateSendPolicy, type PolicyFacts, type PolicyVerdict } from "../../src/messaging/policy/evaluate-send-policy.ts";
import type { RecipientPlace } from "../../src/messaging/policy/resolve-recipient-place.ts";

const NEW_YORK: RecipientPlace = { zones: ["America/New_York"], states: ["NY"], basis: "area-code" };
const MIAMI: RecipientPlace = { zones: ["America/New_York"], states: ["FL"], basis: "zip" };
const PANHANDLE_850: RecipientPlace = { zones: ["America/Chicago", "America/New_York"], states: ["FL"], basis: "area-code" };
const OKLAHOMA_405: RecipientPlace = { zones: ["America/Chicago"], states: ["OK"], basis: "area-code" };
const BALTIMORE: RecipientPlace = { zones: ["America/New_York"], states: ["MD"], basis: "zip" };
const IDAHO_208: RecipientPlace = { zones: ["America/Denver", "America/Los_Angeles"], states: ["ID"], basis: "area-code" };

const NOON_NY = "2026-06-15T16:00:00Z"; // Mon 12:00 EDT
const d = (iso: string) => new Date(iso);

function facts(over: Partial<PolicyFacts>): PolicyFacts {
  return {
    now: d(NOON_NY),
    channel: "sms",
    kind: "proactive",
    purpose: "transactional",
    replyWindowMinutes: 30,
    optedOut: false,
    marketingConsent: false,
    recipient: NEW_YORK,
    quietHours: { start: "08:00", end: "21:00" },
    maxProactivePerDay: 3,
    proactiveTimes: [],
    topicTimes: [],
    ...over,
  };
}

const send = (kind: "reply" | "proactive"): PolicyVerdict => ({ action: "send", kind });
const block = (reason: "opted-out" | "no-consent" | "cap-zero"): PolicyVerdict => ({ action: "block", reason });
const defer = (until: string, ...reasons: ("quiet-hours" | "daily-cap" | "topic-cap")[]): PolicyVerdict => ({ action: "defer", until: d(until), reasons });

describe("evaluateSendPolicy", () => {
  it.each<[string, Partial<PolicyFacts>, PolicyVerdict]>([
    // (1) opt-out: phones only
    ["opted-out sms is blocked", { optedOut: true }, block("opted-out")],
    ["opted-out mms is blocked", { optedOut: true, channel: "mms" }, block("opted-out")],
    ["opted-out reply by sms is blocked too", { optedOut: true, kind: "reply", replyToAt: d("2026-06-15T15:59:00Z") }, block("opted-out")],
    ["opted-out webchat is sent", { optedOut: true, channel: "webchat" }, send("proactive")],
    ["webchat at 23:30 with the cap reached is sent", { channel: "webchat", now: d("2026-06-16T03:30:00Z"), maxProactivePerDay: 0 }, send("proactive")],
    // (2) replies within the window go at once
    [
      "reply at 23:30 to a text from 5 minutes ago is sent",
      { kind: "reply", now: d("2026-06-16T03:30:00Z"), replyToAt: d("2026-06-16T03:25:00Z") },
      send("reply"),
    ],
    ["reply exactly at the window's edge is a reply", { kind: "reply", replyToAt: d("2026-06-15T15:30:00Z") }, send("reply")],
    [
      "reply ignores the daily cap",
      {
        kind: "reply",
        replyToAt: d("2026-06-15T15:55:00Z"),
        proactiveTimes: [d("2026-06-15T10:00:00Z"), d("2026-06-15T12:00:00Z"), d("2026-06-15T14:00:00Z")],
      },
      send("reply"),
    ],
    ["marketing reply without consent is still a reply", { kind: "reply", purpose: "marketing", replyToAt: d("2026-06-15T15:55:00Z") }, send("reply")],
    ["reply older than the window at noon is sent as proactive", { kind: "reply", replyToAt: d("2026-06-15T14:00:00Z") }, send("proactive")],
    [
      "reply older than the window at 23:30 waits for 08:00",
      { kind: "reply", now: d("2026-06-16T03:30:00Z"), replyToAt: d("2026-06-16T01:00:00Z") },
      defer("2026-06-16T12:00:00Z", "quiet-hours"),
    ],
    ["reply without replyToAt is proactive", { kind: "reply", now: d("2026-06-16T03:30:00Z") }, defer("2026-06-16T12:00:00Z", "quiet-hours")],
    // (3) consent, cap zero
    ["marketing without consent is blocked", { purpose: "marketing" }, block("no-consent")],
    ["marketing without consent is blocked even at night", { purpose: "marketing", now: d("2026-06-16T03:30:00Z") }, block("no-consent")],
    ["marketing with consent is sent", { purpose: "marketing", marketingConsent: true }, send("proactive")],
    ["transactional without marketing consent is fine", { purpose: "transactional", marketingConsent: false }, send("proactive")],
    ["cap 0 blocks proactive texts", { maxProactivePerDay: 0 }, block("cap-zero")],
    // quiet hours
    ["20:59 New York is sent", { now: d("2026-06-16T00:59:00Z") }, send("proactive")],
    ["21:00 New York waits for 08:00 next day", { now: d("2026-06-16T01:00:00Z") }, defer("2026-06-16T12:00:00Z", "quiet-hours")],
    ["20:30 New York is sent under 08:00-21:00", { now: d("2026-06-16T00:30:00Z") }, send("proactive")],
    ["20:30 Miami waits for 08:00 (Florida 08:00-20:00)", { now: d("2026-06-16T00:30:00Z"), recipient: MIAMI }, defer("2026-06-16T12:00:00Z", "quiet-hours")],
    [
      "850 at 07:30 Central (08:30 Eastern) waits for 08:00 Central",
      { now: d("2026-06-15T12:30:00Z"), recipient: PANHANDLE_850 },
      defer("2026-06-15T13:00:00Z", "quiet-hours"),
    ],
    [
      "850 at 19:30 Central (20:30 Eastern) waits: Florida's 20:00 holds in Eastern",
      { now: d("2026-06-16T00:30:00Z"), recipient: PANHANDLE_850 },
      defer("2026-06-16T13:00:00Z", "quiet-hours"),
    ],
    [
      "208 at 07:30 Pacific (08:30 Mountain) waits for 08:00 Pacific",
      { now: d("2026-06-15T14:30:00Z"), recipient: IDAHO_208 },
      defer("2026-06-15T15:00:00Z", "quiet-hours"),
    ],
    ["the day after spring forward: 07:30 EDT waits for 08:00 EDT (12:00Z)", { now: d("2026-03-09T11:30:00Z") }, defer("2026-03-09T12:00:00Z", "quiet-hours")],
    ["the day after fall back: 07:30 EST waits for 08:00 EST (13:00Z)", { now: d("2026-11-02T12:30:00Z") }, defer("2026-11-02T13:00:00Z", "quiet-hours")],
    // daily cap
    [
      "cap reached → the oldest counted + 24h",
      { proactiveTimes: [d("2026-06-14T17:00:00Z"), d("2026-06-15T06:00:00Z"), d("2026-06-15T15:00:00Z")] },
      defer("2026-06-15T17:00:00Z", "daily-cap"),
    ],
    [
      "cap reached at 20:30, the slot frees at 21:15 → quiet hours → 08:00",
      { now: d("2026-06-16T00:30:00Z"), proactiveTimes: [d("2026-06-15T01:15:00Z"), d("2026-06-15T14:00:00Z"), d("2026-06-15T20:00:00Z")] },
      defer("2026-06-16T12:00:00Z", "quiet-hours", "daily-cap"),
    ],
    [
      "quiet hours → 08:00, where a scheduled text fills the cap → the day after",
      { now: d("2026-06-16T01:30:00Z"), maxProactivePerDay: 1, proactiveTimes: [d("2026-06-16T12:00:00Z")] },
      defer("2026-06-17T12:00:00Z", "quiet-hours", "daily-cap"),
    ],
    ["a text sent exactly 24h ago no longer counts", { maxProactivePerDay: 1, proactiveTimes: [d("2026-06-14T16:00:00Z")] }, send("proactive")],
  ])("%s", (_name, over, expected) => {
    expect(evaluateSendPolicy(facts(over))).toEqual(expected);
  });
});

describe("evaluateSendPolicy: FL/OK/MD, at most 3 marketing texts per 24 h on one topic", () => {
  // consent given and a generous per-contact cap, so only the topic rule can hold these
  const marketing = (over: Partial<PolicyFacts>): Partial<PolicyFacts> => ({
    purpose: "marketing",
    marketingConsent: true,
    maxProactivePerDay: 10,
    ...over,
  });
  const THREE = [d("2026-06-14T20:00:00Z"), d("2026-06-15T06:00:00Z"), d("2026-06-15T14:00:00Z")]; // 20 h, 10 h, 2 h ago
  it.each<[string, Partial<PolicyFacts>, PolicyVerdict]>([
    ["Florida, two on the topic today: the third goes", marketing({ recipient: MIAMI, topicTimes: THREE.slice(1) }), send("proactive")],
    [
      "Florida, three on the topic: waits until the oldest is 24 h old",
      marketing({ recipient: MIAMI, topicTimes: THREE }),
      defer("2026-06-15T20:00:00Z", "topic-cap"),
    ],
    ["Oklahoma (405) likewise", marketing({ recipient: OKLAHOMA_405, topicTimes: THREE }), defer("2026-06-15T20:00:00Z", "topic-cap")],
    ["Maryland (ZIP) likewise", marketing({ recipient: BALTIMORE, topicTimes: THREE }), defer("2026-06-15T20:00:00Z", "topic-cap")],
    ["New York has no such rule", marketing({ recipient: NEW_YORK, topicTimes: THREE }), send("proactive")],
    ["transactional texts are not solicitations", { recipient: MIAMI, maxProactivePerDay: 10, topicTimes: THREE }, send("proactive")],
    [
      "850 (Florida, two zones): the topic frees at 20:30 Eastern, past Florida's 20:00 → 08:00 Central",
      marketing({ recipient: PANHANDLE_850, topicTimes: [d("2026-06-15T00:30:00Z"), d("2026-06-15T06:00:00Z"), d("2026-06-15T14:00:00Z")] }),
      defer("2026-06-16T13:00:00Z", "quiet-hours", "topic-cap"),
    ],
    [
      "one already scheduled for tomorrow holds its place: frees at 02:00, quiet until 08:00",
      marketing({ recipient: MIAMI, topicTimes: [d("2026-06-15T06:00:00Z"), d("2026-06-15T11:00:00Z"), d("2026-06-16T04:00:00Z")] }),
      defer("2026-06-16T12:00:00Z", "quiet-hours", "topic-cap"),
    ],
    [
      "the per-contact cap and the topic cap together: the later of the two",
      marketing({ recipient: MIAMI, maxProactivePerDay: 2, proactiveTimes: [d("2026-06-14T17:00:00Z"), d("2026-06-15T15:00:00Z")], topicTimes: THREE }),
      defer("2026-06-15T20:00:00Z", "daily-cap", "topic-cap"),
    ],
  ])("%s", (_name, over, expected) => {
    expect(evaluateSendPolicy(facts(over))).toEqual(expected);
  });
});

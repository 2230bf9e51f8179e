// Every classifier and guard that reads free text is linear in it (issue 16 item 3): each is timed on adversarial
// 100 kB inputs, the shapes that were slow before, and must finish within 50 ms. Old times (main before this change, the
// same 100 kB inputs, one run each on the shared 2-core machine) are noted per case; ">120 s" means it was stopped.
import { describe, expect, it } from "vitest";
import { boundInboundText } from "../../src/agent/bound-inbound-text.ts";
import { detectEmergency } from "../../src/agent/detect-emergency.ts";
import type { GuardFacts } from "../../src/agent/guard/guard-facts.ts";
import { guardReply } from "../../src/agent/guard-reply.ts";
import { readDetails } from "../../src/agent/read-details.ts";
import { classifyKeyword } from "../../src/inbox/classify-keyword.ts";
import { normalizeGsm7 } from "../../src/messaging/normalize-gsm7.ts";
import { detectComplaint } from "../../src/sequences/detect-complaint.ts";
import { slackToPlainText } from "../../src/slack/slack-to-plain-text.ts";

const SIZE = 100_000;
const LIMIT_MS = 50;

const fill = (unit: string): string => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

const SHAPES = {
  negations: fill("no gas leak, not flooding, don't smell gas. "),
  digits: fill("1"),
  "spaced digits": fill("1 "),
  currency: fill("$1,000 - 500$ USD  5 five hundred dollars "),
  "number words": fill("a hundred happy two fifty, it's one twenty-five five-"),
  "spaces then a word": `a${" ".repeat(SIZE)}b`,
  "unicode and emoji": fill("é😀’—👍🏽 "),
  "one huge word": fill("a"),
  "open angle brackets": fill("<"),
  "mention markup": fill("<@U1|"),
  times: fill("Tuesday at 10 or 7 o'clock, open 8-5. "),
  "one day, many times": `Tuesday${" ".repeat(SIZE / 2)}${"at 1 ".repeat(SIZE / 10)}`,
  "free and guarantee": fill("feel free, we can't guarantee free "),
} as const;
type Shape = keyof typeof SHAPES;

const FACTS: GuardFacts = {
  businessName: "Acme Plumbing",
  services: [{ key: "drain", name: "Drain cleaning", price: { from: 149, to: 349 } }],
  discussedServiceKeys: ["drain"],
  offeredSlots: [{ startAt: new Date("2026-11-03T15:00:00Z"), endAt: new Date("2026-11-03T16:00:00Z") }],
  timezone: "America/New_York",
  now: new Date("2026-10-29T14:00:00Z"),
  maxChars: 320,
  allowedPromises: ["free estimates"],
  firstAiMessage: true,
  lastInbound: fill("are you a bot? "),
  policies: ["We are licensed and insured."],
};
const SERVICES = [{ key: "drain-cleaning", name: "Drain cleaning", aliases: ["clog"] }];

/** best of up to five: a busy machine or a garbage collection can slow one run, not all of them */
function fastestMs(run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5 && best > LIMIT_MS; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
    if (best > 20 * LIMIT_MS) break; // clearly super-linear: no need to wait for more runs
  }
  return best;
}

// [what, shapes it is timed on, the call, old time on the slowest of those shapes]
const CASES: [string, Shape[], (s: string) => unknown, string][] = [
  // old: SegmentedMessage concatenated an array per character (20 kB: 2.7 s) and "[ \t]+\n" retried each space of a run
  ["normalizeGsm7", ["spaced digits", "spaces then a word", "unicode and emoji", "one huge word"], normalizeGsm7, "old: one huge word 87 s, spaces >120 s"],
  // old: normalised and scanned everything, however long (50 kB: 39-50 s); now refused on its length first
  ["guardReply", Object.keys(SHAPES) as Shape[], (s) => guardReply(s, FACTS), "old: one huge word, spaces >120 s"],
  // old: each match split all the text before it to find its clause (50 kB of negations: ~1 s)
  ["detectEmergency", ["negations", "unicode and emoji", "spaces then a word"], (s) => detectEmergency(s, ["burst main"]), "old: negations 3 s"],
  // old: "<(mailto:)?([^|>]+)\|" read from every "<" to the end
  ["slackToPlainText", ["open angle brackets", "mention markup"], slackToPlainText, "old: open angle brackets 92 s"],
  // old: linear, but cleaned every word with a Unicode regex, then the whole text again, to find a sentence of at most
  // 40 words (17-60 ms depending on the machine's load); now it stops counting at 41 words
  ["classifyKeyword", ["spaced digits", "negations", "unicode and emoji", "mention markup"], classifyKeyword, "old: 17-60 ms"],
  ["detectComplaint", ["negations", "spaces then a word", "unicode and emoji"], detectComplaint, "old: ~10 ms (already linear)"],
  ["readDetails", ["digits", "spaced digits", "one huge word"], (s) => readDetails(s, SERVICES), "old: ~10 ms (already linear)"],
  ["boundInboundText", ["one huge word", "spaces then a word", "unicode and emoji"], (s) => boundInboundText(s, 4000), "new"],
];

describe("every text classifier and guard is linear: 100 kB within 50 ms", () => {
  for (const [name, shapes, run] of CASES) {
    it.each(shapes)(`${name}: %s`, (shape) => {
      expect(fastestMs(() => run(SHAPES[shape]))).toBeLessThan(LIMIT_MS);
    });
  }
});

describe("the guard's checks themselves are linear (a reply the length check would have let through)", () => {
  // guardReply refuses a long reply before reading it; this times what it does when it does read, with no length limit:
  // 100 kB of 50k numbers, each a candidate time or amount. The bound is looser than 50 ms because this is real work
  // per character on a shared machine (60-300 ms), and still far below the old code (100 kB: over two minutes).
  const open: GuardFacts = { ...FACTS, maxChars: Number.POSITIVE_INFINITY };
  it.each(Object.keys(SHAPES) as Shape[])("%s", (shape) => {
    const started = performance.now();
    guardReply(SHAPES[shape], open);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

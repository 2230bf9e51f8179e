import { describe, expect, it } from "vitest";
import { buildAlertPost } from "../../src/slack/build-alert-post.ts";
import { buildDigestPost, formatDollars, formatSeconds } from "../../src/slack/build-digest-post.ts";
import { summarizeDigest, type DigestFacts } from "../../src/slack/summarize-digest.ts";

const t0 = new Date("2026-11-17T14:00:00Z");
const lead = (source: string, seconds: number | null, stage = "new") => ({
  source,
  createdAt: t0,
  firstResponseAt: seconds === null ? null : new Date(t0.getTime() + seconds * 1000),
  stage,
});
const facts = (over: Partial<DigestFacts> = {}): DigestFacts => ({
  dayLabel: "Tue, Nov 17",
  leads: [],
  missedCalls: 0,
  recovered: 0,
  booked: 0,
  revenueCents: [],
  reviewsRequested: 0,
  reviewsClicked: 0,
  ...over,
});

describe("summarizeDigest", () => {
  it.each<[string, Partial<DigestFacts>, Record<string, unknown>]>([
    ["a quiet day", {}, { leads: 0, bySource: [], medianSpeedSeconds: null, revenueCents: 0 }],
    [
      "sources by count, then name",
      { leads: [lead("website", 10), lead("google-lsa", 4), lead("google-lsa", 20), lead("angi", 2)] },
      {
        leads: 4,
        bySource: [
          { source: "google-lsa", leads: 2 },
          { source: "angi", leads: 1 },
          { source: "website", leads: 1 },
        ],
        medianSpeedSeconds: 4,
      },
    ],
    ["median over the answered only", { leads: [lead("web", 30), lead("web", null), lead("web", 90)] }, { leads: 3, medianSpeedSeconds: 30 }],
    ["revenue summed", { revenueCents: [45_000, 12_550, 0] }, { revenueCents: 57_550 }],
    [
      "counts carried",
      { missedCalls: 3, recovered: 2, booked: 4, reviewsRequested: 5, reviewsClicked: 1 },
      { missedCalls: 3, recovered: 2, booked: 4, reviewsRequested: 5, reviewsClicked: 1 },
    ],
  ])("%s", (_, over, expected) => {
    expect(summarizeDigest(facts(over))).toMatchObject(expected);
  });
});

describe("digest wording", () => {
  it.each([
    [null, "—"],
    [0.4, "0 s"],
    [42, "42 s"],
    [150, "3 min"],
    [5400, "1.5 h"],
  ])("formatSeconds(%s) = %s", (s, out) => {
    expect(formatSeconds(s)).toBe(out);
  });

  it.each([
    [0, "$0"],
    [57_550, "$575.50"],
    [1_234_500, "$12,345"],
    [99, "$0.99"],
  ])("formatDollars(%s) = %s", (c, out) => {
    expect(formatDollars(c)).toBe(out);
  });

  it("the post names the day and every figure", () => {
    const post = buildDigestPost(
      "Acme & Sons",
      summarizeDigest(
        facts({ leads: [lead("google-lsa", 8)], missedCalls: 2, recovered: 1, booked: 1, revenueCents: [12_550], reviewsRequested: 2, reviewsClicked: 1 }),
      ),
    );
    const body = (post.blocks![2] as { text: { text: string } }).text.text;
    expect(body.split("\n")).toEqual([
      "*Leads:* 1 (google-lsa 1)",
      "*Median speed to lead:* 8 s",
      "*Missed calls recovered:* 1 of 2",
      "*Booked:* 1",
      "*Revenue:* $125.50",
      "*Reviews:* 2 requested, 1 clicked",
    ]);
    expect(post.text).toContain("Acme &amp; Sons");
  });
});

describe("buildAlertPost", () => {
  it.each<[string, string, boolean, RegExp]>([
    ["emergency", "EMERGENCY (gas): smell of gas", true, /Emergency/],
    ["ai-failure", "The AI model failed (timeout)", false, /AI failure/],
    ["send-unknown", "Text to …0123 may or may not have gone out", false, /may not have gone out/],
    ["undelivered", "A text was undelivered (error 30003)", false, /not delivered/],
    ["late-textback", "Missed call at 9:00 AM, not texted: 3 h late", false, /not texted back in time/],
    ["unanswered", "Maria has waited 12 min", false, /waiting for a person/],
    ["something-new", "a new kind", false, /something-new/],
  ])("%s", (kind, message, pings, title) => {
    const post = buildAlertPost({ kind, message, contact: { name: "Maria <b>", phone: "+12125550123" } });
    const line = (post.blocks![0] as { text: { text: string } }).text.text;
    expect(line.startsWith("<!here>")).toBe(pings);
    expect(post.text.startsWith("<!here>")).toBe(pings);
    expect(line).toMatch(title);
    expect(line).toContain("Maria &lt;b&gt; · +12125550123");
  });

  it("a homeowner's words in an alert cannot ping the channel", () => {
    const post = buildAlertPost({ kind: "handoff", message: "they wrote <!channel>", contact: null });
    expect(JSON.stringify(post)).not.toContain("<!channel>");
  });
});

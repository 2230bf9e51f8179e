import { describe, expect, it } from "vitest";
import { classifyKeyword } from "../../src/messaging/classify-keyword.ts";

describe("classifyKeyword: reserved single-word keywords", () => {
  it.each([
    // every opt-out keyword, several cases and punctuation
    ["STOP"],
    ["stop"],
    ["Stop."],
    [" STOP! "],
    ["stop!!!"],
    ["STOP\n"],
    ['"STOP"'],
    ["Stop\u200B"], // zero-width space pasted by a phone keyboard
    ["STOPALL"],
    ["StopAll"],
    ["stop-all"],
    ["UNSUBSCRIBE"],
    ["unsubscribe."],
    ["CANCEL"],
    ["cancel"],
    ["END"],
    ["End"],
    ["QUIT"],
    ["quit!"],
    ["OPTOUT"],
    ["opt-out"],
    ["OPT-OUT"],
    ["REVOKE"],
    ["revoke"],
  ])("%j is a keyword opt-out", (body) => {
    expect(classifyKeyword(body)).toEqual({ action: "opt-out", kind: "keyword" });
  });

  it.each([["START"], ["start"], ["Start!"], ["UNSTOP"], ["Unstop"], ["YES"], ["yes"], ["Yes!"]])("%j is a keyword opt-in", (body) => {
    expect(classifyKeyword(body)).toEqual({ action: "opt-in", kind: "keyword" });
  });

  it.each([["HELP"], ["help!"], ["Help?"], ["INFO"], ["info"], ["Info?"]])("%j is a keyword help request", (body) => {
    expect(classifyKeyword(body)).toEqual({ action: "help", kind: "keyword" });
  });
});

// The source comment says "Stop." / "stop!" / " STOP " all count: a lone keyword with punctuation
// or an emoji next to it is still a lone keyword. Today the word count is taken on the raw text, so
// a space before the punctuation/emoji makes it "two words" and the opt-out is missed.
// These cases FAIL against the current source (reported as a bug; source not changed here).
describe("classifyKeyword: a lone keyword with detached punctuation or emoji", () => {
  it.each([
    ["STOP !", "opt-out"],
    ["Stop .", "opt-out"],
    ["stop 🛑", "opt-out"],
    ["STOP 😡", "opt-out"],
    ["- STOP", "opt-out"],
    ["Help ?", "help"],
    ["Yes !", "opt-in"],
  ] as const)("%j is a keyword %s", (body, action) => {
    expect(classifyKeyword(body)).toEqual({ action, kind: "keyword" });
  });
});

describe("classifyKeyword: natural-language opt-outs", () => {
  it.each([
    ["stop texting me"],
    ["Stop texting me"],
    ["STOP TEXTING ME"],
    ["Please stop texting me, I already hired someone"],
    ["Stop sending me messages"],
    ["Stop contacting me"],
    ["Please don't text me anymore"],
    ["Please don\u2019t text me anymore"], // curly apostrophe from an iPhone
    ["Do not contact me again"],
    ["Don't message me"],
    ["remove me from your list"],
    ["Take me off your list"],
    ["Please take my number off your list"],
    ["Remove my number from your list"],
    ["unsubscribe me"],
    ["Please unsubscribe me"],
    ["Opt Out"], // two words: not the OPTOUT keyword, but a clear opt-out sentence
    ["opt out"],
    ["Opt me out"],
    ["I want to opt out"],
    ["no more texts"],
    ["No more messages!"],
    ["wrong number, stop"],
  ])("%j is a natural-language opt-out", (body) => {
    expect(classifyKeyword(body)).toEqual({ action: "opt-out", kind: "natural-language" });
  });
});

describe("classifyKeyword: ordinary messages", () => {
  it.each([
    // a reserved word inside a sentence is not a keyword
    ["please don't cancel my appointment"],
    ["Don\u2019t cancel"],
    ["Please cancel"], // a sentence, not the lone CANCEL keyword
    ["the leak won't stop"],
    ["I can't stop the water"],
    ["stop by tomorrow at 3"],
    ["Stop all"],
    ["STOP STOP"],
    ["end of story"],
    ["quit playing"],
    ["yes please come at 3"],
    ["Start the job tomorrow?"],
    ["help me please my basement is flooding"],
    ["info on pricing?"],
    // nothing keyword-like at all
    ["my sink is leaking"],
    ["can you come tomorrow?"],
    ["no more"],
    ["Don't call me"], // about calls, not texts
    [""],
    ["   "],
    ["!!!"],
  ])("%j is not classified", (body) => {
    expect(classifyKeyword(body)).toBeUndefined();
  });
});

describe("natural-language opt-outs beyond the basics", () => {
  it.each([
    "stop spamming me",
    "I don't want any more texts",
    "Thanks for fixing the sink last week, it works great now and my wife is happy, but please stop texting me",
  ])("%j is an opt-out", (text) => {
    expect(classifyKeyword(text)).toEqual({ action: "opt-out", kind: "natural-language" });
  });
});

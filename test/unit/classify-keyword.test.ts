import { describe, expect, it } from "vitest";
import { classifyKeyword } from "../../src/inbox/classify-keyword.ts";

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

// A lone keyword with punctuation or an emoji next to it, even with a space between, is still a lone keyword.
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
    // requests about the job, not about texts (opt-out words nearby)
    ["can you remove the old water heater"],
    ["Can you remove the old water heater?"],
    ["please remove the old pipes"],
    ["remove me from the schedule for tuesday"],
    ["Please take me off the schedule, I'll call back"],
    ["could you take the old tank off the truck"],
    ["please stop the leak"],
    ["stop the water from coming in"],
    ["how do I stop my toilet running"],
    ["the dripping won't stop, please come"],
    ["I unsubscribed from your newsletter but need a quote"],
    ["we are ending the lease, remove the water softener"],
    ["can you leave the key under the mat"],
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

describe("FCC 2024 revocation wording: polite, repeated or plain requests", () => {
  it.each([
    "please stop",
    "Please stop texting me",
    "Stop please",
    "STOP PLEASE!!",
    "stop it",
    "Stop now.",
    "STOP STOP",
    "Stop all",
    "stop, thanks",
    "unsubscribe please",
    "Please unsubscribe",
    "I want to unsubscribe",
    "how do I unsubscribe?",
    "remove me",
    "Remove me.",
    "remove me please",
    "Please remove me",
    "remove me, I sold the house",
    "remove my number",
    "remove me from your list",
    "Remove me from your mailing list please",
    "take me off your list",
    "Take me off",
    "please take me off your texting list",
    "can you remove me from your contact list",
    "delete my number from your database",
    "Stop getting these texts",
    "I'd like to stop receiving messages",
    "leave me alone",
    "lose my number",
  ])("%j is a natural-language opt-out", (text) => {
    expect(classifyKeyword(text)).toEqual({ action: "opt-out", kind: "natural-language" });
  });
});

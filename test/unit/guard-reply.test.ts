import { describe, expect, it } from "vitest";
import type { GuardFacts } from "../../src/agent/guard/guard-facts.ts";
import { guardReply } from "../../src/agent/guard-reply.ts";

// America/New_York; now = Thu 2026-10-29 10:00 EDT. DST ends Sun 2026-11-01 (EST = UTC-5 after).
const slot = (startIso: string, endIso: string): { startAt: Date; endAt: Date } => ({ startAt: new Date(startIso), endAt: new Date(endIso) });

const BASE: GuardFacts = {
  businessName: "Acme Plumbing",
  services: [
    { key: "drain", name: "Drain cleaning", price: { from: 149, to: 349 } },
    { key: "water-heater", name: "Water heater install", price: { from: 1200 } },
    { key: "camera", name: "Camera inspection" },
  ],
  discussedServiceKeys: ["drain"],
  offeredSlots: [
    slot("2026-10-30T18:00:00Z", "2026-10-30T20:00:00Z"), // Fri Oct 30 14:00-16:00 EDT (tomorrow)
    slot("2026-11-02T14:00:00Z", "2026-11-02T16:00:00Z"), // Mon Nov 2 09:00-11:00 EST (after the DST change)
    slot("2026-11-03T15:00:00Z", "2026-11-03T16:00:00Z"), // Tue Nov 3 10:00-11:00 EST
    slot("2026-11-03T16:00:00Z", "2026-11-03T17:00:00Z"), // Tue Nov 3 11:00-12:00 EST
  ],
  bookedSlots: [slot("2026-11-05T20:00:00Z", "2026-11-05T22:00:00Z")], // Thu Nov 5 15:00-17:00 EST
  timezone: "America/New_York",
  now: new Date("2026-10-29T14:00:00Z"),
  maxChars: 320,
  allowedPromises: [],
  firstAiMessage: false,
  lastInbound: "Can you come next week?",
};

type Row = [name: string, reply: string, overrides: Partial<GuardFacts>, expected: "ok" | string];

const rows: Row[] = [
  // (a) encoding and length
  ["plain GSM-7 reply", "Thanks! What's your ZIP code?", {}, "ok"],
  ["smart quotes are normalised, not blocked", "It\u2019s no problem \u2014 what\u2019s your ZIP?", {}, "ok"],
  ["emoji", "Thanks! \u{1F44D} What's your ZIP?", {}, "can't send as plain text (\u{1F44D})"],
  ["Chinese characters", "Thanks \u8C22\u8C22", {}, "can't send as plain text"],
  ["too long", "a".repeat(321), {}, "is 321 characters long; the limit is 320"],
  ["exactly at the limit", "a".repeat(320), {}, "ok"],
  ["empty", "", {}, "the reply is empty"],
  ["whitespace only", "  \n ", {}, "the reply is empty"],
  // (b) money
  ["$200 within $149-$349", "Drain cleaning is usually $200.", {}, "ok"],
  ["$1,200 outside $149-$349", "That would be $1,200.", {}, "mentions $1,200, but Drain cleaning costs $149-$349"],
  ["$99 below the range", "We can do it for $99.", {}, "mentions $99, but Drain cleaning costs $149-$349"],
  ["the range itself", "Drain cleaning runs $149-$349 depending on the line.", {}, "ok"],
  ["range end without $", "It's $150 to 400.", {}, "mentions $400, but Drain cleaning costs $149-$349"],
  ["cents", "It starts at $149.99.", {}, "ok"],
  ["149 dollars", "About 149 dollars.", {}, "ok"],
  ["150 bucks", "Roughly 150 bucks.", {}, "ok"],
  ["500 bucks", "Roughly 500 bucks.", {}, "mentions $500, but Drain cleaning costs $149-$349"],
  ["'from' price: above from is ok", "A new water heater is $1,500 installed.", { discussedServiceKeys: ["water-heater"] }, "ok"],
  ["'from' price: $2k is ok", "Figure about $2k.", { discussedServiceKeys: ["water-heater"] }, "ok"],
  ["'from' price: below from", "It's $1,000.", { discussedServiceKeys: ["water-heater"] }, "Water heater install costs from $1,200"],
  ["any discussed service's book fits", "That one is $1,800.", { discussedServiceKeys: ["drain", "water-heater"] }, "ok"],
  ["service without a price", "A camera inspection is $100.", { discussedServiceKeys: ["camera"] }, "Camera inspection has no price"],
  ["no service discussed", "It's $200.", { discussedServiceKeys: [] }, "no service has been discussed"],
  ["unknown discussed key", "It's $200.", { discussedServiceKeys: ["roofing"] }, "no service has been discussed"],
  ["numbers that are not money", "Our tech has 15 years on the job and 3 trucks.", {}, "ok"],
  // (b) money in any spacing and currency form (issue 16 item 5): blocked when not in the price book, let through when it is
  ["symbol after: 500$", "Drain cleaning is 500$.", {}, "mentions $500, but Drain cleaning costs $149-$349"],
  ["symbol after, spaced: 500 $", "Drain cleaning is 500 $ flat.", {}, "mentions $500"],
  ["symbol spaced: $  500", "Drain cleaning is $  500.", {}, "mentions $500"],
  ["symbol and a tab: $\t500", "Drain cleaning is $\t500.", {}, "mentions $500"],
  ["ISO code spaced: USD  500", "Drain cleaning is USD  500.", {}, "mentions $500"],
  ["ISO code attached: usd500", "Drain cleaning is usd500.", {}, "mentions $500"],
  ["ISO code after: 500 USD", "Drain cleaning is 500 USD.", {}, "mentions $500"],
  ["Canadian: CAD 500", "Drain cleaning is CAD 500.", {}, "mentions $500"],
  ["Canadian after: 500 cad", "Drain cleaning is 500 cad.", {}, "mentions $500"],
  ["US$ 500", "Drain cleaning is US$ 500.", {}, "mentions $500"],
  ["C$500", "Drain cleaning is C$500.", {}, "mentions $500"],
  ["range with spaced symbols: $ 150 - $ 400", "Drain cleaning is $ 150 - $ 400.", {}, "mentions $400"],
  ["range, symbol after: 150-400$", "Drain cleaning is 150-400$.", {}, "mentions $400"],
  ["words: five hundred dollars", "Drain cleaning is five hundred dollars.", {}, "mentions $500"],
  ["words with a scale need no currency: five hundred", "Drain cleaning is about five hundred.", {}, "mentions $500"],
  ["words: a hundred dollars", "Drain cleaning is a hundred dollars.", {}, "mentions $100"],
  ["words: ninety nine bucks", "Drain cleaning is ninety nine bucks.", {}, "mentions $99"],
  ["words: two grand", "Drain cleaning is two grand.", {}, "mentions $2,000"],
  ["spoken price: it's four fifty", "For the drain it's four fifty.", {}, "mentions $450"],
  ["spoken price: costs one twenty-five", "Drain cleaning costs one twenty-five.", {}, "mentions $125"],
  ["numeral with a scale word: 5 hundred", "Drain cleaning is 5 hundred.", {}, "mentions $500"],
  ["two amounts, symbols after: 200$ 500$", "Drain cleaning is 200$ 500$.", {}, "mentions $500"],
  ["a date right before a price is not an amount: 11/3 $200", "Booked 11/3 $200 total.", {}, "ok"],
  ["in the book: 200$", "Drain cleaning is 200$.", {}, "ok"],
  ["in the book: $  200", "Drain cleaning is $  200.", {}, "ok"],
  ["in the book: USD  200", "Drain cleaning is USD  200.", {}, "ok"],
  ["in the book: 150 CAD", "Drain cleaning is 150 CAD.", {}, "ok"],
  ["in the book: two hundred dollars", "Drain cleaning is two hundred dollars.", {}, "ok"],
  ["in the book: a hundred and fifty dollars", "Drain cleaning starts at a hundred and fifty dollars.", {}, "ok"],
  ["in the book: it's two fifty", "For the drain it's two fifty.", {}, "ok"],
  ["in the book: fifteen hundred", "A new water heater is about fifteen hundred.", { discussedServiceKeys: ["water-heater"] }, "ok"],
  ["number words that are not money", "One of our techs has two trucks and a hundred feet of camera line; it takes twenty-five minutes.", {}, "ok"],
  ["a scale word before a unit is not money", "Over a hundred five-star reviews, two thousand happy customers and 5 hundred 5-star jobs.", {}, "ok"],
  ["no service discussed: five hundred dollars", "It's five hundred dollars.", { discussedServiceKeys: [] }, "no service has been discussed"],
  // (c) dates and times
  ["Tuesday at 10 (offered Tue 10:00)", "I can do Tuesday at 10.", {}, "ok"],
  ["Wednesday at 10 (no Wednesday slot)", "I can do Wednesday at 10.", {}, 'mentions "Wednesday at 10", which is not an offered time'],
  ["10:30 with slots at 10:00/11:00 only", "How about 10:30?", {}, 'mentions "about 10:30"'],
  ["10:30 AM on Tuesday", "We have 10:30 AM on Tuesday.", {}, 'mentions "10:30 AM on Tuesday"'],
  ["10am", "We have 10am open.", {}, "ok"],
  ["10 a.m. mid-sentence", "We have 10 a.m. Tuesday or 11 a.m. Tuesday.", {}, "ok"],
  ["at 11", "Someone can be there at 11.", {}, "ok"],
  ["noon was not offered", "See you at noon!", {}, 'mentions "at noon"'],
  ["DST: Monday at 9 (slot 09:00 EST)", "Monday at 9 works.", {}, "ok"],
  ["DST: Monday at 10 is the UTC-4 reading", "Monday at 10 works.", {}, 'mentions "Monday at 10"'],
  ["tomorrow at 2", "Tomorrow at 2 works.", {}, "ok"],
  ["tomorrow at 3", "Tomorrow at 3 works.", {}, 'mentions "Tomorrow at 3"'],
  ["today without a slot today", "We could swing by today.", {}, 'mentions "today"'],
  ["bare weekday with a slot", "Tuesday is wide open.", {}, "ok"],
  ["bare weekday without a slot", "Wednesday is wide open.", {}, 'mentions "Wednesday"'],
  ["Dec 3 has no slot", "We have Dec 3 available.", {}, 'mentions "Dec 3"'],
  ["Nov 3 has a slot", "We have Nov 3 available.", {}, "ok"],
  ["11/3 at 10am", "Booked for 11/3 at 10am.", {}, "ok"],
  ["12/3 at 10am", "Booked for 12/3 at 10am.", {}, 'mentions "12/3 at 10am"'],
  ["weekday and date together", "Tuesday, Nov 3 at 11:00 AM it is.", {}, "ok"],
  ["weekday and date disagree", "Wednesday, Nov 3 at 11:00 AM it is.", {}, "not an offered time"],
  ["time before the day", "10am on Tuesday works.", {}, "ok"],
  ["two options in one sentence", "I have Tuesday at 10 or Monday at 9.", {}, "ok"],
  ["between 10 and 11 on Tuesday = the slot", "The tech arrives between 10 and 11 on Tuesday.", {}, "ok"],
  ["window that is no slot", "The tech arrives 10am-12pm on Tuesday.", {}, "not an offered time"],
  ["booked appointment may be confirmed", "You're all set for Thursday at 3pm.", {}, "ok"],
  ["no slots offered at all", "How about Tuesday at 10?", { offeredSlots: [], bookedSlots: [] }, "no time has been offered"],
  ["business hours after 'open'", "We're open Mon-Fri 8am-5pm.", {}, "ok"],
  ["business hours after 'hours'", "Our hours are 8 to 5, Monday through Friday.", {}, "ok"],
  ["close at", "We close at 6pm but I can book you.", {}, "ok"],
  ["durations and phone numbers", "The job takes 1-2 hours. Call 555-123-4567 with questions.", {}, "ok"],
  ["round-the-clock service is a policy", "Call 555-123-4567 anytime, 24/7.", {}, "speaks of round-the-clock service"],
  ["a call-back promise at a time no slot has", "Someone will call you by 5pm.", {}, 'mentions "by 5pm"'],
  // (c) times without am/pm next to a day (issue 16 item 5)
  ["7 o'clock Tuesday", "We can come 7 o'clock Tuesday.", {}, `mentions "7 o'clock Tuesday", which is not an offered time`],
  ["Tuesday at 7", "We can come Tuesday at 7.", {}, 'mentions "Tuesday at 7"'],
  ["tomorrow at 7", "We can come tomorrow at 7.", {}, 'mentions "tomorrow at 7"'],
  ["7 o'clock alone", "We can come at 7 o'clock.", {}, `mentions "at 7 o'clock"`],
  ["Tuesday 7ish", "We can come Tuesday 7ish.", {}, 'mentions "Tuesday 7ish"'],
  ["7 Tuesday", "We can come 7 Tuesday.", {}, 'mentions "7 Tuesday"'],
  ["seven o'clock Tuesday (in words)", "We can come seven o'clock Tuesday.", {}, `mentions "seven o'clock Tuesday"`],
  ["offered: 10 o'clock Tuesday", "We can come 10 o'clock Tuesday.", {}, "ok"],
  ["offered: ten o'clock Tuesday (in words)", "We can come at ten o'clock Tuesday.", {}, "ok"],
  ["offered: Tuesday at 11", "We can come Tuesday at 11.", {}, "ok"],
  ["offered: 2 o'clock tomorrow", "We can come at 2 o'clock tomorrow.", {}, "ok"],
  ["offered: Tuesday 10ish", "We can come Tuesday 10ish.", {}, "ok"],
  // (d) promise words
  ["free estimate", "We offer a free estimate.", {}, 'uses the promise word "free"'],
  ["free estimate allowed", "We offer a free estimate.", { allowedPromises: ["Free"] }, "ok"],
  ["allowed as a phrase", "Estimates are free estimates here.", { allowedPromises: ["free estimates"] }, "ok"],
  ["guaranteed", "Your drain is guaranteed clear.", {}, 'uses the promise word "guaranteed"'],
  ["guarantee allowed covers guaranteed", "Your drain is guaranteed clear.", { allowedPromises: ["guarantee"] }, "ok"],
  ["negated guarantee is honest", "We can't guarantee an exact arrival time.", {}, "ok"],
  ["binding", "This quote is binding.", {}, 'uses the promise word "binding"'],
  ["warranty", "It comes with a 10 year warranty.", {}, 'uses the promise word "warranty"'],
  ["feel free", "Feel free to text us a photo.", {}, "ok"],
  // (e) disclosure
  [
    "first message without disclosure",
    "Hi, this is Sam from Acme. What's going on?",
    { firstAiMessage: true },
    "must say it is Acme Plumbing's virtual assistant",
  ],
  ["first message with disclosure", "Hi! I'm Acme Plumbing's virtual assistant. What's going on?", { firstAiMessage: true }, "ok"],
  ["first message, short business name", "Hi, I'm the AI assistant for Acme. How can I help?", { firstAiMessage: true }, "ok"],
  ["first message, 'we'", "Hi, I'm a virtual assistant. How can we help?", { firstAiMessage: true }, "ok"],
  ["bot question answered truthfully", "Yes, I'm Acme's virtual assistant. A person can call you too.", { lastInbound: "are you a bot?" }, "ok"],
  ["bot question dodged", "No, I'm Sam.", { lastInbound: "are you a bot?" }, "asked whether this is a bot"],
  ["real person question, human claim", "Yes, I'm a real person.", { lastInbound: "Is this a real person?" }, "claims to be a human"],
  ["human claim without being asked", "Don't worry, I'm not a bot.", {}, "claims to be a human"],
  ["denying humanity is fine", "I'm not a human, I'm Acme's AI assistant.", { lastInbound: "Am I talking to a human?" }, "ok"],
  ["Spanish bot question", "Soy el asistente virtual de Acme.", { lastInbound: "eres un robot?" }, "ok"],
];

describe("guardReply", () => {
  it.each(rows)("%s", (_name, reply, overrides, expected) => {
    const verdict = guardReply(reply, { ...BASE, ...overrides });
    if (expected === "ok") {
      expect(verdict.problems).toEqual([]);
      expect(verdict.ok).toBe(true);
    } else {
      expect(verdict.ok).toBe(false);
      expect(verdict.problems.join(" | ")).toContain(expected);
    }
  });

  it("a reply over the limit is refused on its length alone, before it is read (60 kB in well under 50 ms)", () => {
    const huge = `Drain cleaning is $99 on Wednesday at 10, guaranteed. ${"a".repeat(60_000)}`;
    const started = performance.now();
    const verdict = guardReply(huge, BASE);
    expect(performance.now() - started).toBeLessThan(50);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([`is ${huge.length} characters long; the limit is 320`]);
  });

  it("returns the normalised reply", () => {
    expect(guardReply("It\u2019s fine\u2026", BASE).reply).toBe("It's fine...");
  });

  it("reports every problem, each once", () => {
    const verdict = guardReply("Free \u{1F600} at $99 on Wednesday at 10, I'm a real person. $99!", { ...BASE, firstAiMessage: true });
    expect(verdict.problems).toHaveLength(6);
    expect(new Set(verdict.problems).size).toBe(verdict.problems.length);
  });
});

describe("policies: only the ones the profile states", () => {
  const base = {
    businessName: "Acme Plumbing",
    services: [],
    discussedServiceKeys: [],
    offeredSlots: [],
    timezone: "America/New_York",
    now: new Date("2026-11-17T14:00:00Z"),
    maxChars: 300,
    allowedPromises: [],
    firstAiMessage: false,
    lastInbound: "",
  };
  it.each([
    ["We offer financing on new water heaters.", [], false],
    ["We offer financing on new water heaters.", ["Financing is available on installs over $1,000 through GreenSky."], true],
    ["There's a $79 trip fee.", [], false],
    ["Our techs are licensed and insured.", ["We are licensed and insured in NY and NJ."], true],
    ["Yes, refunds within 30 days.", ["Payment is due on completion."], false],
    ["Thanks, someone will be in touch.", [], true],
  ] as const)("%s (policies: %j) ⇒ ok %s", (reply, policies, ok) => {
    expect(guardReply(reply, { ...base, policies }).ok).toBe(ok);
  });
});

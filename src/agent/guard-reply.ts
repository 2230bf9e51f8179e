import { checkDisclosure } from "./guard/check-disclosure.ts";
import { checkMoney } from "./guard/check-money.ts";
import { checkPolicies } from "./guard/check-policies.ts";
import { checkPromises } from "./guard/check-promises.ts";
import { checkTimes } from "./guard/check-times.ts";
import type { GuardFacts } from "./guard/guard-facts.ts";
import { mask } from "./guard/text-spans.ts";
import { nonGsmCharacters, normalizeGsm7 } from "../messaging/normalize-gsm7.ts";

// The reply guard (ARCHITECTURE principle 6, issue 9 item 5): the model proposes a reply, this decides whether it may go out.
// Pure: every fact, including "now", is passed in. Problems are short sentences fed back to the model for one repair attempt.
//
// Known limits (deliberately simple, documented in the tests):
// - money: a number with a currency marker on either side, any spacing ("$500", "500$", "$  500", "USD 500", "500 dollars",
//   "$2k", "$X-Y", "X to Y dollars"), and number words ("five hundred", "a hundred and fifty dollars", "it's two fifty").
// - a price book `{ from }` without `to` means "from $X": any amount >= from fits.
// - times: "10am", "10:30", "noon", "7 o'clock"/"seven o'clock", "at 10"/"around 2"/"by 5", ranges "10-12", "between 10 and 11". A bare number
//   ("10", "7ish") is a time only after at/around/by/from/between… or right next to a day ("Tuesday 10", "7 Tuesday"); "10"
//   without am/pm may be 10:00 or 22:00.
// - cost: linear in the reply; a reply over maxChars is refused before it is normalised or read at all.
// - days: weekdays (any offered date on that weekday matches; "next" is ignored), today/tonight/tomorrow, "Dec 3", "3rd of Dec",
//   "12/3" (US month/day), "the 3rd". A time attaches to the nearest day before it in the same sentence, or to a day right
//   after it ("10am on Tuesday"). A range "A-B" must be one slot's start and end.
// - business hours: a time range or a weekday range after open/hours/close in the same sentence ("we're open Mon-Fri 8-5"),
//   and a single time right after open/close ("open until 5", "we close at 6pm"), are taken as hours, not slots.
// - any other time, including "someone will call you by 5pm", must be an offered/booked slot start.

export interface GuardVerdict {
  ok: boolean;
  /** normalized (GSM-7 typography) */
  reply: string;
  problems: string[];
}

/** Checks a model reply against the facts of the conversation; `ok` only when there is no problem. */
export function guardReply(reply: string, f: GuardFacts): GuardVerdict {
  // the cheap check first: a reply that is too long is not sent whatever it says, so it is not read (a model that
  // returns 60 kB must not hold the process). Normalising could bring it under the limit only by dropping invisible
  // characters, which a model has no reason to write.
  const trimmed = reply.trim();
  if (trimmed.length > f.maxChars) {
    return { ok: false, reply: trimmed, problems: [`is ${trimmed.length} characters long; the limit is ${f.maxChars}`] };
  }
  const { body, encoding } = normalizeGsm7(trimmed);
  const problems: string[] = [];
  if (body.length === 0) {
    return { ok: false, reply: body, problems: ["the reply is empty"] };
  }
  if (encoding !== "GSM-7") {
    const bad = nonGsmCharacters(body).join(" ");
    problems.push(`uses characters an SMS can't send as plain text (${bad}): no emoji or special symbols`);
  }
  if (body.length > f.maxChars) problems.push(`is ${body.length} characters long; the limit is ${f.maxChars}`);

  const lower = body.toLowerCase();
  const { problems: moneyProblems, spans: moneySpans } = checkMoney(lower, f);
  problems.push(...moneyProblems);
  problems.push(...checkTimes(body, mask(lower, moneySpans), f));
  problems.push(...checkPromises(lower, f.allowedPromises));
  problems.push(...checkDisclosure(lower, f));
  problems.push(...checkPolicies(lower, f.policies ?? []));
  const unique = [...new Set(problems)];
  return { ok: unique.length === 0, reply: body, problems: unique };
}

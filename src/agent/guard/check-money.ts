// (b) Every amount of money must fit the price book of a service the conversation is about.
//
// An amount is money when a currency marker stands next to it, on either side and with any spacing ("$500", "$  500",
// "500$", "500 $", "USD 500", "500 cad", "500 dollars", "500 bucks"), or when it is one end of a range whose other end
// is ("$150 to 400"). Number words count too: with a marker ("five dollars"), with a scale ("five hundred", "a hundred
// and fifty", "two grand", unless a unit follows: "a hundred feet"), or as a spoken price after a price word ("it's two
// fifty", "runs one twenty-five"). One pass over the numbers, each looking only at its neighbours: linear in the reply.
import type { GuardFacts } from "./guard-facts.ts";
import { type Span, skipSpaces, skipSpacesBack, wordsBefore } from "./text-spans.ts";

const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?`;
/** a numeral and its multiplier: "2k", "2.5 k", "5 hundred", "2 grand" */
const NUMERAL_RE = new RegExp(String.raw`(?<![\d.,])(${NUM})(?:\s?(k)\b|\s+(hundred|thousand|grand)\b)?`, "g");
const WORD = String.raw`(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|grand)`;
/** a run of number words: "five hundred", "a hundred and fifty", "two fifty", "twenty-five" ("and" only after a scale) */
const WORDS_RE = new RegExp(
  String.raw`\b(?:an?\s+(?=(?:hundred|thousand|grand)\b))?${WORD}(?:(?:(?<=hundred|thousand|grand)\s+and\s+|[\s-]+)${WORD}(?![a-z]))*(?![a-z])`,
  "g",
);
/** a currency marker ending right before a number (after its spaces were skipped): "$", "US$", "C$", "usd", "cad" */
const MARKER_BEFORE = /\$$|(?:^|[^a-z])(?:usd|cad)$/;
/** a currency marker right after a number (after its spaces): "$", "usd", "cad", "dollar(s)", "bucks" */
const MARKER_AFTER = /(?:\$|(?:usd|cad|dollars?|bucks)\b)/y;
/** what joins two ends of a range once spaces are removed ("$150 - $349", "150 to 400 dollars") */
const RANGE_GAP = /^(?:us\$|ca?\$|\$|usd|cad)?(?:-|to)(?:us\$|ca?\$|\$|usd|cad)?$/;
/** after a scale word, a unit (maybe behind one word: "a hundred happy customers", "5-star") means it is not money */
const UNIT_AFTER =
  /(?:\d+|[a-z]+)?-?\s*(?:%|(?:percent|feet|foot|ft|inch(?:es)?|gallons?|miles?|years?|times|people|customers|clients|homes|houses|families|neighbors|reviews|stars?|calls|jobs|projects|installs|installations|plumbers|techs|technicians|trucks|degrees|sq|square|pounds|lbs|psi)\b)/y;
/** before a spoken price with no marker ("it's two fifty") */
const PRICE_CUE_BEFORE =
  /\b(?:cost|costs|costing|price|priced|charge|charges|charged|pay|runs?|fee|quote|quoted|total|it's|it is|that's|that is|only|just)\s*$/;

const SMALL: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

interface Found extends Span {
  amount: number;
  money: boolean;
}

function toAmount(num: string, k: string | undefined, scale: string | undefined): number {
  const n = Number(num.replace(/,/g, ""));
  if (k) return n * 1000;
  if (scale === "hundred") return n * 100;
  if (scale) return n * 1000;
  return n;
}

/** "five hundred" = 500, "a hundred and fifty" = 150, "two fifty" = 250 (a spoken price), "twenty five hundred" = 2500. */
export function wordsToNumber(words: string): { value: number; scale: boolean; spokenPair: boolean } {
  let total = 0;
  let current = 0;
  let scale = false;
  let spokenPair = false;
  let last: "ones" | "teen" | "tens" | "tensOnes" | "scale" | undefined;
  for (const w of words.split(/[\s-]+/)) {
    if (w === "and" || w === "") continue;
    if (w === "a" || w === "an") {
      current = 1;
      last = "ones";
    } else if (w === "hundred") {
      current = (current || 1) * 100;
      last = "scale";
      scale = true;
    } else if (w === "thousand" || w === "grand") {
      total += (current || 1) * 1000;
      current = 0;
      last = "scale";
      scale = true;
    } else {
      const v = SMALL[w] ?? 0;
      if (v >= 10 && (last === "ones" || last === "teen" || last === "tensOnes")) {
        current = current * 100 + v; // "two fifty", "twelve fifty", "one twenty"
        spokenPair = true;
      } else {
        current += v;
      }
      last = v < 10 ? (last === "tens" ? "tensOnes" : "ones") : v < 20 ? "teen" : "tens";
    }
  }
  return { value: total + current, scale, spokenPair };
}

function markerBefore(text: string, start: number): number | undefined {
  const j = skipSpacesBack(text, start);
  const tail = text.slice(Math.max(0, j - 4), j);
  if (!MARKER_BEFORE.test(tail)) return undefined;
  return tail.endsWith("$") ? j - 1 : j - 3;
}

function markerAfter(text: string, end: number): number | undefined {
  const k = skipSpaces(text, end);
  MARKER_AFTER.lastIndex = k;
  const m = MARKER_AFTER.exec(text);
  return m ? k + m[0].length : undefined;
}

function followedBy(re: RegExp, text: string, end: number): boolean {
  re.lastIndex = skipSpaces(text, end);
  return re.test(text);
}

function findNumerals(text: string): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(NUMERAL_RE)) {
    const end = m.index + m[0].length;
    const before = markerBefore(text, m.index);
    let after = markerAfter(text, end);
    // "11/3 $99", "10:30 $99": the "$" opens the next amount, not this date's or time's number
    if (after !== undefined && /[/:]/.test(text[m.index - 1] ?? "") && text[after - 1] === "$" && /\d/.test(text[skipSpaces(text, after)] ?? "")) {
      after = undefined;
    }
    // "5 hundred", "2 grand" are money like "five hundred", unless a unit follows
    const scaled = m[3] !== undefined && !followedBy(UNIT_AFTER, text, end);
    found.push({
      start: before ?? m.index,
      end: after ?? end,
      amount: toAmount(m[1] ?? "0", m[2], m[3]),
      money: before !== undefined || after !== undefined || scaled,
    });
  }
  // a range is money when either end is: "$150 to 400", "150-349 dollars"
  for (let i = 0; i + 1 < found.length; i++) {
    const a = found[i]!;
    const b = found[i + 1]!;
    if (a.money === b.money || b.start - a.end > 40) continue;
    if (!RANGE_GAP.test(text.slice(a.end, b.start).replace(/\s+/g, ""))) continue;
    a.money = b.money = true;
    if (i > 0) i -= 2; // a chain "150-200-250 dollars" spreads back
  }
  return found.filter((f) => f.money);
}

function findWordAmounts(text: string): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(WORDS_RE)) {
    if (/\d/.test(text[skipSpacesBack(text, m.index) - 1] ?? "")) continue; // the scale of a numeral ("5 hundred"), read above
    const end = m.index + m[0].length;
    const { value, scale, spokenPair } = wordsToNumber(m[0]);
    const before = markerBefore(text, m.index);
    const after = markerAfter(text, end);
    const cued = spokenPair && PRICE_CUE_BEFORE.test(text.slice(wordsBefore(text, m.index, 2), m.index));
    const money = before !== undefined || after !== undefined || (scale && !followedBy(UNIT_AFTER, text, end)) || cued;
    if (money) found.push({ start: before ?? m.index, end: after ?? end, amount: value, money });
  }
  return found;
}

/** Every amount of money in a (lower-cased) text, as the guard reads it. */
export function findAmounts(lower: string): number[] {
  return [...findNumerals(lower), ...findWordAmounts(lower)].map((f) => f.amount);
}

function formatMoney(n: number): string {
  const [int = "0", dec] = n.toFixed(2).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return dec === "00" ? `$${grouped}` : `$${grouped}.${dec}`;
}

function describePrice(p: { from: number; to?: number }): string {
  return p.to === undefined ? `from ${formatMoney(p.from)}` : `${formatMoney(p.from)}-${formatMoney(p.to)}`;
}

export function checkMoney(lower: string, f: GuardFacts): { problems: string[]; spans: Span[] } {
  const found = [...findNumerals(lower), ...findWordAmounts(lower)];
  const spans: Span[] = found.map(({ start, end }) => ({ start, end }));
  if (found.length === 0) return { problems: [], spans };

  const discussed = f.services.filter((s) => f.discussedServiceKeys.includes(s.key));
  const priced = discussed.filter((s) => s.price !== undefined);
  const problems: string[] = [];
  for (const { amount } of found) {
    const shown = formatMoney(amount);
    if (discussed.length === 0) {
      problems.push(`mentions ${shown}, but no service has been discussed yet: don't quote a price`);
    } else if (priced.length === 0) {
      const names = discussed.map((s) => s.name).join(", ");
      problems.push(`mentions ${shown}, but ${names} has no price in the price book: don't quote a price`);
    } else if (!priced.some((s) => s.price && amount >= s.price.from && (s.price.to === undefined || amount <= s.price.to))) {
      const books = priced.map((s) => `${s.name} costs ${s.price ? describePrice(s.price) : ""}`).join("; ");
      problems.push(`mentions ${shown}, but ${books}`);
    }
  }
  return { problems, spans };
}

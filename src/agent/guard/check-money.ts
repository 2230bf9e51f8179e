// (b) Every amount of money must fit the price book of a service the conversation is about.
import type { GuardFacts } from "../guard-reply.ts";
import { mask, type Span } from "./text-spans.ts";

const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?`;
const DOLLAR_RE = new RegExp(String.raw`\$\s?(${NUM})(k\b)?(?:\s*(?:-|to)\s*\$?\s?(${NUM})(k\b)?)?`, "g");
const WORD_MONEY_RE = new RegExp(String.raw`(?<![\d.,$])(${NUM})(\s?k\b)?(?:\s*(?:-|to)\s*(${NUM})(\s?k\b)?)?\s*(?:dollars?|bucks|usd)\b`, "g");
const USD_RE = new RegExp(String.raw`\busd\s?(${NUM})(k\b)?`, "g");

function toAmount(num: string, k: string | undefined): number {
  const n = Number(num.replace(/,/g, ""));
  return k ? n * 1000 : n;
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
  const amounts: number[] = [];
  const spans: Span[] = [];
  for (const re of [DOLLAR_RE, WORD_MONEY_RE, USD_RE]) {
    const text = mask(lower, spans);
    for (const m of text.matchAll(re)) {
      spans.push({ start: m.index, end: m.index + m[0].length });
      if (m[1]) amounts.push(toAmount(m[1], m[2]));
      if (m[3]) amounts.push(toAmount(m[3], m[4]));
    }
  }
  if (amounts.length === 0) return { problems: [], spans };

  const discussed = f.services.filter((s) => f.discussedServiceKeys.includes(s.key));
  const priced = discussed.filter((s) => s.price !== undefined);
  const problems: string[] = [];
  for (const amount of amounts) {
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

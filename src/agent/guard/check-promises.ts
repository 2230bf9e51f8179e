// (d) Promise words ("guarantee", "free", "binding", "warranty") only when the profile allows them.
import { skipSpaces, wordsBefore } from "./text-spans.ts";

const PROMISE_RE = /\b(guarantee[sd]?|guaranteeing|free|binding|warranty|warranties|warranted)\b/g;
const FREE_OK_BEFORE = /(?:feel|toll[- ]?|hands[- ]|you'?re|you are|are you|you|u)\s*$/;
const FREE_OK_AFTER = /^\s*up\b/;
const NEGATED_BEFORE = /\b(?:can't|cannot|can not|won't|don't|do not|not|no)\s+(?:be\s+)?$/;

function stemOf(word: string): string {
  if (word.startsWith("guarant")) return "guarantee";
  if (word.startsWith("warrant")) return "warranty";
  return word;
}

export function checkPromises(lower: string, allowedPromises: string[]): string[] {
  const allowed = allowedPromises.map((p) => p.trim().toLowerCase()).filter((p) => p.length > 0);
  // an allowed phrase counts when the reply uses it: looked up once, not once per promise word (quadratic)
  const phrasesUsed = allowed.filter((p) => lower.includes(p));
  const problems: string[] = [];
  for (const m of lower.matchAll(PROMISE_RE)) {
    const word = m[1] ?? "";
    const stem = stemOf(word);
    // the cues are at most three words long: read only those, never the whole text before (quadratic on a long reply)
    const before = lower.slice(wordsBefore(lower, m.index, 3), m.index);
    const after = lower.slice(m.index + word.length, skipSpaces(lower, m.index + word.length) + 3);
    if (stem === "free" && (FREE_OK_BEFORE.test(before) || FREE_OK_AFTER.test(after))) continue; // "feel free", "are you free"
    if (stem === "guarantee" && NEGATED_BEFORE.test(before)) continue; // "we can't guarantee"
    const isAllowed = allowed.some((p) => p === word || p === stem) || phrasesUsed.some((p) => new RegExp(String.raw`\b${word}\b`).test(p));
    if (!isAllowed) problems.push(`uses the promise word "${word}", which the business does not offer: remove it`);
  }
  return problems;
}

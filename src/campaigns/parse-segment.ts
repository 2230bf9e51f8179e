// The segment language of `campaign launch --segment` (pure): space-separated terms, all of which
// must hold; a term is key:value, where a comma list means any of them and a leading "-" negates.
//   last_job_before:2024-01-01  last_job_after:2023-06-30  last_job_older_than:12mo (90d, 6w, 2y)
//   tag:vip,gold  zip:10001,100*  service:furnace  has:email  -tag:do-not-call
// A value holding a space is quoted: tag:"water heater".
import { DateTime } from "luxon";

export type PeriodUnit = "d" | "w" | "mo" | "y";
export interface Period {
  amount: number;
  unit: PeriodUnit;
}
export interface ZipMatch {
  value: string;
  /** "100*": every ZIP starting with 100 */
  prefix: boolean;
}
export const HAS_FIELDS = ["email", "phone", "name", "zip", "last_job", "tags"] as const;
export type HasField = (typeof HAS_FIELDS)[number];

export type SegmentTerm =
  /** dates YYYY-MM-DD; before/after are strict (the day itself is neither) */
  | { key: "last_job_before" | "last_job_after"; negate: boolean; values: string[] }
  | { key: "last_job_older_than"; negate: boolean; values: Period[] }
  /** lower case, as tags are stored */
  | { key: "tag"; negate: boolean; values: string[] }
  /** a service key: a past appointment for it, or a tag equal to it */
  | { key: "service"; negate: boolean; values: string[] }
  | { key: "zip"; negate: boolean; values: ZipMatch[] }
  | { key: "has"; negate: boolean; values: HasField[] };

export type SegmentKey = SegmentTerm["key"];

/** All terms must hold; no terms: every contact. */
export interface Segment {
  terms: SegmentTerm[];
}

const KEYS: readonly SegmentKey[] = ["last_job_before", "last_job_after", "last_job_older_than", "tag", "zip", "service", "has"];
const MAX_EXPRESSION = 2000;
const UNITS: Record<string, PeriodUnit> = { d: "d", w: "w", mo: "mo", y: "y" };

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseSegment(expr: string): { ok: true; segment: Segment } | { ok: false; error: string } {
  if (expr.length > MAX_EXPRESSION) return { ok: false, error: `segment: longer than ${MAX_EXPRESSION} characters` };
  const tokens = splitOutsideQuotes(expr.trim(), "space");
  if (!tokens.ok) return { ok: false, error: `segment: ${tokens.error}` };
  const terms: SegmentTerm[] = [];
  for (const token of tokens.value) {
    const term = parseTerm(token);
    if (!term.ok) return { ok: false, error: `term "${token}": ${term.error}` };
    terms.push(term.value);
  }
  return { ok: true, segment: { terms } };
}

function parseTerm(token: string): Parsed<SegmentTerm> {
  const negate = token.startsWith("-");
  const body = negate ? token.slice(1) : token;
  const colon = body.indexOf(":");
  if (colon <= 0) return { ok: false, error: "expected key:value, e.g. tag:vip" };
  const key = body.slice(0, colon).toLowerCase() as SegmentKey;
  if (!KEYS.includes(key)) return { ok: false, error: `unknown key "${body.slice(0, colon)}" (known: ${KEYS.join(", ")})` };
  const list = splitOutsideQuotes(body.slice(colon + 1), "comma");
  if (!list.ok) return list;
  const raw: string[] = [];
  for (const item of list.value) {
    const v = unquote(item);
    if (!v.ok) return v;
    raw.push(v.value);
  }
  if (raw.length === 0) return { ok: false, error: "needs a value" };
  if (raw.some((v) => v === "")) return { ok: false, error: "empty value in the list" };

  switch (key) {
    case "last_job_before":
    case "last_job_after":
      return each(raw, parseDay, (values) => ({ key, negate, values }));
    case "last_job_older_than":
      return each(raw, parsePeriod, (values) => ({ key, negate, values }));
    case "tag":
      return each(raw, parseTag, (values) => ({ key, negate, values }));
    case "service":
      return each(raw, parseServiceKey, (values) => ({ key, negate, values }));
    case "zip":
      return each(raw, parseZip, (values) => ({ key, negate, values }));
    case "has":
      return each(raw, parseHas, (values) => ({ key, negate, values }));
  }
}

function each<V>(raw: string[], parse: (v: string) => Parsed<V>, build: (values: V[]) => SegmentTerm): Parsed<SegmentTerm> {
  const values: V[] = [];
  for (const r of raw) {
    const p = parse(r);
    if (!p.ok) return p;
    values.push(p.value);
  }
  return { ok: true, value: build(values) };
}

function parseDay(v: string): Parsed<string> {
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v).isValid) return { ok: true, value: v };
  return { ok: false, error: `"${v}" is not a date (YYYY-MM-DD)` };
}

function parsePeriod(v: string): Parsed<Period> {
  const m = /^(\d{1,4})(d|w|mo|y)$/i.exec(v);
  const amount = m ? Number(m[1]) : 0;
  if (m && amount >= 1 && amount <= 1200) return { ok: true, value: { amount, unit: UNITS[m[2]!.toLowerCase()]! } };
  const hint = /^\d+m$/i.test(v) ? ' ("m" is ambiguous: months are "mo")' : "";
  return { ok: false, error: `"${v}" is not a period: a whole number from 1 to 1200 with d, w, mo or y (90d, 12mo, 2y)${hint}` };
}

function parseTag(v: string): Parsed<string> {
  const tag = v.trim().toLowerCase().replace(/\s+/g, " ");
  if (tag && tag.length <= 50) return { ok: true, value: tag };
  return { ok: false, error: `"${v}" is not a tag (1 to 50 characters)` };
}

function parseServiceKey(v: string): Parsed<string> {
  const s = v.toLowerCase();
  if (/^[a-z0-9-]{1,63}$/.test(s)) return { ok: true, value: s };
  return { ok: false, error: `"${v}" is not a service key (letters, digits and dashes, as in the profile's services)` };
}

function parseZip(v: string): Parsed<ZipMatch> {
  const z = v.toUpperCase();
  const prefix = z.endsWith("*");
  const value = prefix ? z.slice(0, -1) : z;
  if (/^[A-Z0-9][A-Z0-9 -]{0,9}$/.test(value)) return { ok: true, value: { value, prefix } };
  return { ok: false, error: `"${v}" is not a ZIP or a ZIP prefix ending in * (10001, 100*)` };
}

function parseHas(v: string): Parsed<HasField> {
  const f = v.toLowerCase() as HasField;
  if (HAS_FIELDS.includes(f)) return { ok: true, value: f };
  return { ok: false, error: `"${v}" is not something a contact can have (${HAS_FIELDS.join(", ")})` };
}

/**
 * Splits on `sep` outside double quotes (the quotes stay, for unquote). Whitespace runs split once;
 * commas keep empty parts ("vip,,gold"), so an empty list item is reported rather than skipped.
 */
function splitOutsideQuotes(s: string, sep: "space" | "comma"): Parsed<string[]> {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    const splits = !quoted && (sep === "space" ? /\s/.test(ch) : ch === ",");
    if (!splits) {
      current += ch;
      continue;
    }
    if (sep === "comma" || current !== "") parts.push(current);
    current = "";
  }
  if (quoted) return { ok: false, error: "unclosed quote" };
  if (current !== "" || (sep === "comma" && parts.length > 0)) parts.push(current);
  return { ok: true, value: parts };
}

/** "water heater" → water heater; a quote anywhere else is an error */
function unquote(v: string): Parsed<string> {
  const inner = v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  if (inner.includes('"')) return { ok: false, error: `quotes go around a whole value: ${v}` };
  return { ok: true, value: inner };
}

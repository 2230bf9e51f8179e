import { DateTime } from "luxon";
import { checkPolicies } from "./check-policies.ts";
import { SegmentedMessage } from "sms-segments-calculator";
import { normalizeGsm7 } from "../messaging/normalize-gsm7.ts";

// The reply guard (ARCHITECTURE principle 6, issue 9 item 5): the model proposes a reply, this decides whether it may go out.
// Pure: every fact, including "now", is passed in. Problems are short sentences fed back to the model for one repair attempt.
//
// Known limits (deliberately simple, documented in the tests):
// - money written in words ("a hundred bucks") is not seen; "$X-Y", "X to Y dollars", "$2k" are.
// - a price book `{ from }` without `to` means "from $X": any amount >= from fits.
// - times: "10am", "10:30", "noon", "at 10"/"around 2"/"by 5", ranges "10-12", "between 10 and 11". A bare number is a time only
//   after at/around/by/from/between… or right after a day ("Tuesday 10"); "10" without am/pm may be 10:00 or 22:00.
// - days: weekdays (any offered date on that weekday matches; "next" is ignored), today/tonight/tomorrow, "Dec 3", "3rd of Dec",
//   "12/3" (US month/day), "the 3rd". A time attaches to the nearest day before it in the same sentence, or to a day right
//   after it ("10am on Tuesday"). A range "A-B" must be one slot's start and end.
// - business hours: a time range or a weekday range after open/hours/close in the same sentence ("we're open Mon-Fri 8-5"),
//   and a single time right after open/close ("open until 5", "we close at 6pm"), are taken as hours, not slots.
// - any other time, including "someone will call you by 5pm", must be an offered/booked slot start.

export interface GuardFacts {
  businessName: string;
  services: { key: string; name: string; aliases?: string[]; price?: { from: number; to?: number } }[];
  /** services the conversation is about (from the lead, tool calls, or mentioned): money must fit one of THEIR price books */
  discussedServiceKeys: string[];
  /** slots find_slots returned in this conversation */
  offeredSlots: { startAt: Date; endAt: Date }[];
  /** the appointment(s) booked in this conversation, whose time may be confirmed */
  bookedSlots?: { startAt: Date; endAt: Date }[];
  timezone: string;
  now: Date;
  maxChars: number;
  allowedPromises: string[];
  /** true when no AI message was sent in this conversation before */
  firstAiMessage: boolean;
  /** the homeowner's latest message(s) (to see whether they asked if this is a bot) */
  lastInbound: string;
  /** the profile's policies: the only ones the reply may state */
  policies?: readonly string[];
}

export interface GuardVerdict {
  ok: boolean;
  /** normalized (GSM-7 typography) */
  reply: string;
  problems: string[];
}

/** Checks a model reply against the facts of the conversation; `ok` only when there is no problem. */
export function guardReply(reply: string, f: GuardFacts): GuardVerdict {
  const { body, encoding } = normalizeGsm7(reply);
  const problems: string[] = [];
  if (body.length === 0) {
    return { ok: false, reply: body, problems: ["the reply is empty"] };
  }
  if (encoding !== "GSM-7") {
    const bad = [...new Set(new SegmentedMessage(body, "auto").getNonGsmCharacters())].join(" ");
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

// ---------- shared helpers ----------

interface Span {
  start: number;
  end: number;
}

function mask(text: string, spans: Span[]): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + " ".repeat(s.end - s.start) + out.slice(s.end);
  return out;
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

// ---------- (b) money ----------

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

function checkMoney(lower: string, f: GuardFacts): { problems: string[]; spans: Span[] } {
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

// ---------- (c) dates and times ----------

type DayKind = "weekday" | "date" | "relative";

interface DayRef extends Span {
  test: (d: DateTime) => boolean;
  kinds: DayKind[];
  weekday?: number;
}

interface TimeRef extends Span {
  startMins: number[];
  endMins?: number[];
  bare: boolean;
  prefixed: boolean;
}

const WEEKDAYS: [RegExp, number][] = [
  [/^mon(day)?$/, 1],
  [/^tue(s|sday)?$/, 2],
  [/^wed(s|nesday)?$/, 3],
  [/^thu(r|rs|rsday)?$/, 4],
  [/^fri(day)?$/, 5],
  [/^sat(urday)?$/, 6],
  [/^sun(day)?$/, 7],
];
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH = String.raw`(?:january|february|march|april|may|june|july|august|september|october|november|december|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?)`;
const WEEKDAY_RE = /\b(?:(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|(mon|tues?|weds?|thu|thurs?|fri)\b\.?)/g;
// "Sat"/"Sun" are ordinary words too: only capitalised and after on/this/next or before a date or time ("Sun 11/8", "Sat at 9")
const SAT_SUN_RE = /(?:(?<=\b(?:[Oo]n|[Tt]his|[Nn]ext)\s+)\b(Sat|Sun)\b\.?|\b(Sat|Sun)\b\.?(?=,?\s+(?:\d|at\b|@|[A-Z][a-z]{2})))/g;
const RELATIVE_RE = /\b(?:the\s+day\s+after\s+tomorrow|tomorrow|tmrw|today|tonight|this\s+(?:morning|afternoon|evening))\b/g;
const MONTH_DAY_RE = new RegExp(String.raw`\b(${MONTH})\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`, "g");
const DAY_MONTH_RE = new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(${MONTH})(?![a-z])(?:,?\s+(\d{4})\b)?`, "g");
const NUMERIC_DATE_RE = /(?<![\d/$.,])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?(?![\d/])/g;
const ORDINAL_RE = /\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b/g;

const HOUR = String.raw`(?:[01]?\d|2[0-3])`;
const MER = String.raw`(?:a\.m\.?|p\.m\.?|am|pm)`;
const CLOCK = String.raw`(?:noon|midday|midnight|${HOUR}(?::[0-5]\d)?\s?${MER}(?![a-z])|${HOUR}:[0-5]\d(?!\d)|${HOUR}(?![\d:]|[a-z%]))`;
const TIME_RE = new RegExp(
  String.raw`(?<![\w$/.:,])(?:between\s+(${CLOCK})\s*and\s*(${CLOCK})|(?:(from|at|around|about|by|after|before|until|till|@)\s*)?(${CLOCK})(?:\s*(?:-|to|until|till|through|thru)\s*(${CLOCK}))?)`,
  "g",
);
const UNIT_AFTER =
  /^\s*(?:hours?|hrs?|h\b|minutes?|mins?|days?|weeks?|months?|years?|yrs?|times?|people|techs?|technicians?|crews?|trucks?|units?|%|percent|x\b|ft\b|feet|foot|inch|inches|gallons?|miles?|mi\b|stars?|reviews?)/;
const HOURS_CUE_RE = /\b(?:open|opens|opened|close|closes|closed|closing)\b|(?<!\d\s?)\bhours\b/g;
const HOURS_SINGLE_BEFORE = /\b(?:open|opens|close|closes|closed|closing)\s*$/;

function hourCandidates(h: number, m: number): number[] {
  if (h >= 1 && h <= 11) return [h * 60 + m, (h + 12) * 60 + m];
  if (h === 12) return [12 * 60 + m];
  return [h * 60 + m];
}

function parseClock(s: string): { mins: number[]; bare: boolean } {
  if (s === "noon" || s === "midday") return { mins: [720], bare: false };
  if (s === "midnight") return { mins: [0], bare: false };
  const m = /^(\d{1,2})(?::(\d{2}))?\s?([ap])?/.exec(s);
  const h = Number(m?.[1] ?? 0);
  const min = Number(m?.[2] ?? 0);
  const mer = m?.[3];
  if (mer) {
    const h24 = h > 12 ? h : (h % 12) + (mer === "p" ? 12 : 0);
    return { mins: [h24 * 60 + min], bare: false };
  }
  return { mins: hourCandidates(h, min), bare: m?.[2] === undefined };
}

function findDays(original: string, text: string, now: DateTime): DayRef[] {
  const found: DayRef[] = [];
  const add = (start: number, end: number, test: (d: DateTime) => boolean, kind: DayKind, weekday?: number): void => {
    const ref: DayRef = { start, end, test, kinds: [kind], weekday };
    if (!found.some((r) => overlaps(r, ref))) found.push(ref);
  };
  const monthOf = (s: string): number => MONTHS.indexOf(s.slice(0, 3)) + 1;
  const yearOk = (y: string | undefined, d: DateTime): boolean => y === undefined || d.year === (y.length === 2 ? 2000 + Number(y) : Number(y));

  for (const m of text.matchAll(RELATIVE_RE)) {
    const w = m[0];
    const offset = w.startsWith("the") ? 2 : w.startsWith("tom") || w === "tmrw" ? 1 : 0;
    const day = now.plus({ days: offset });
    add(m.index, m.index + w.length, (d) => d.hasSame(day, "day"), "relative");
  }
  for (const m of text.matchAll(MONTH_DAY_RE)) {
    const month = monthOf(m[1] ?? "");
    const dom = Number(m[2]);
    if (dom >= 1 && dom <= 31) add(m.index, m.index + m[0].length, (d) => d.month === month && d.day === dom && yearOk(m[3], d), "date");
  }
  for (const m of text.matchAll(DAY_MONTH_RE)) {
    const month = monthOf(m[2] ?? "");
    const dom = Number(m[1]);
    if (dom >= 1 && dom <= 31) add(m.index, m.index + m[0].length, (d) => d.month === month && d.day === dom && yearOk(m[3], d), "date");
  }
  for (const m of text.matchAll(NUMERIC_DATE_RE)) {
    const month = Number(m[1]);
    const dom = Number(m[2]);
    if (month >= 1 && month <= 12 && dom >= 1 && dom <= 31) {
      add(m.index, m.index + m[0].length, (d) => d.month === month && d.day === dom && yearOk(m[3], d), "date");
    }
  }
  for (const m of text.matchAll(ORDINAL_RE)) {
    const dom = Number(m[1]);
    if (dom >= 1 && dom <= 31) add(m.index, m.index + m[0].length, (d) => d.day === dom, "date");
  }
  for (const re of [WEEKDAY_RE, SAT_SUN_RE]) {
    const source = re === SAT_SUN_RE ? original : text;
    for (const m of source.matchAll(re)) {
      const word = (m[1] ?? m[2] ?? "").toLowerCase();
      if (word === "") continue;
      const weekday = WEEKDAYS.find(([w]) => w.test(word))?.[1];
      if (weekday !== undefined) add(m.index, m.index + m[0].length, (d) => d.weekday === weekday, "weekday", weekday);
    }
  }
  found.sort((a, b) => a.start - b.start);
  return found;
}

function findTimes(text: string): TimeRef[] {
  const found: TimeRef[] = [];
  for (const m of text.matchAll(TIME_RE)) {
    const [whole, betweenA, betweenB, prefix, a, b] = m;
    const first = parseClock((betweenA ?? a ?? "").trim());
    const second = betweenB ?? b;
    const secondClock = second === undefined ? undefined : parseClock(second.trim());
    if (UNIT_AFTER.test(text.slice(m.index + whole.length)) && first.bare && (secondClock?.bare ?? true)) continue;
    // "10-12pm": the meridiem of the end applies to a bare start when it keeps start < end
    let startMins = first.mins;
    if (secondClock && first.bare && !secondClock.bare && secondClock.mins.length === 1) {
      const end = secondClock.mins[0] ?? 0;
      const before = first.mins.filter((x) => x < end);
      if (before.length > 0) startMins = [Math.max(...before)];
    }
    found.push({
      start: m.index,
      end: m.index + whole.length,
      startMins,
      endMins: secondClock?.mins,
      bare: first.bare && (secondClock?.bare ?? true),
      prefixed: betweenA !== undefined || prefix !== undefined,
    });
  }
  return found;
}

function clauseBounds(text: string, tokens: Span[]): Span[] {
  const bounds: Span[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (/[.!?;\n]/.test(text[i] ?? "") && !tokens.some((t) => i >= t.start && i < t.end)) {
      bounds.push({ start, end: i });
      start = i + 1;
    }
  }
  bounds.push({ start, end: text.length });
  return bounds;
}

interface LocalSlot {
  start: DateTime;
  end: DateTime;
}

const minsOf = (d: DateTime): number => d.hour * 60 + d.minute;

function checkTimes(body: string, text: string, f: GuardFacts): string[] {
  const now = DateTime.fromJSDate(f.now, { zone: f.timezone });
  const slots: LocalSlot[] = [...f.offeredSlots, ...(f.bookedSlots ?? [])].map((s) => ({
    start: DateTime.fromJSDate(s.startAt, { zone: f.timezone }).setLocale("en-US"),
    end: DateTime.fromJSDate(s.endAt, { zone: f.timezone }),
  }));

  // single days, then adjacent days merged ("Tuesday, Dec 3"); weekday ranges ("Mon-Fri") marked for the hours rule
  const rawDays = findDays(body, text, now);
  const days: (DayRef & { inRange?: boolean })[] = [];
  for (const d of rawDays) {
    const prev = days[days.length - 1];
    const gap = prev ? text.slice(prev.end, d.start) : "";
    const newKind = d.kinds[0] ?? "date";
    if (prev && !prev.inRange && !prev.kinds.includes(newKind) && /^[\s,(]*(?:the\s+)?$/.test(gap)) {
      const a = prev.test;
      days[days.length - 1] = { ...prev, end: d.end, kinds: [...prev.kinds, newKind], weekday: undefined, test: (x) => a(x) && d.test(x) };
    } else if (prev?.weekday !== undefined && d.weekday !== undefined && /^\s*(?:-|to|through|thru)\s*$/.test(gap)) {
      prev.inRange = true;
      days.push({ ...d, inRange: true });
    } else {
      days.push({ ...d });
    }
  }
  const dayless = mask(text, rawDays);
  const times = findTimes(dayless);
  const clauses = clauseBounds(text, [...days, ...times]);

  const problems: string[] = [];
  const describe = (s: Span): string => `"${body.slice(s.start, s.end).trim()}"`;
  const offered = slots
    .slice(0, 6)
    .map((s) => s.start.toFormat("ccc LLL d h:mm a"))
    .join(", ");
  const notOffered = (what: string): string =>
    slots.length === 0
      ? `mentions ${what}, but no time has been offered in this conversation: call find_slots first`
      : `mentions ${what}, which is not an offered time (offered: ${offered})`;

  for (const clause of clauses) {
    const inClause = <T extends Span>(xs: T[]): T[] => xs.filter((x) => x.start >= clause.start && x.end <= clause.end);
    const cDays = inClause(days);
    const cues = [...text.slice(clause.start, clause.end).matchAll(HOURS_CUE_RE)].map((m) => clause.start + m.index);
    const afterCue = (s: Span): boolean => cues.some((c) => c < s.start);

    const usedDays = new Set<DayRef>();
    for (const t of inClause(times)) {
      const before = dayless.slice(clause.start, t.start);
      const isRange = t.endMins !== undefined;
      const prevDay = [...cDays].reverse().find((d) => d.end <= t.start);
      const nextDay = cDays.find((d) => d.start >= t.end && /^[\s,]*(?:(?:on|this|next)\s+)*$/.test(text.slice(t.end, d.start)));
      const day = prevDay ?? nextDay;
      const adjacentDay = prevDay !== undefined && /^[\s,]*$/.test(text.slice(prevDay.end, t.start));
      if ((isRange && afterCue(t)) || HOURS_SINGLE_BEFORE.test(before)) {
        // business hours, not a slot; so is the day they are about ("open until 5 today")
        if (nextDay) usedDays.add(nextDay);
        else if (adjacentDay && prevDay) usedDays.add(prevDay);
        continue;
      }
      if (t.bare && !t.prefixed && !adjacentDay && !nextDay) continue; // a plain number ("2-3", "10-4"), not a time
      if (day) usedDays.add(day);
      const fits = slots.some(
        (s) => (!day || day.test(s.start)) && t.startMins.includes(minsOf(s.start)) && (t.endMins === undefined || t.endMins.includes(minsOf(s.end))),
      );
      if (!fits) {
        const span = day ? { start: Math.min(day.start, t.start), end: Math.max(day.end, t.end) } : t;
        problems.push(notOffered(describe(span)));
      }
    }
    for (const d of cDays) {
      if (usedDays.has(d) || (d.inRange && afterCue(d))) continue; // "open Mon-Fri": hours, not a slot
      if (!slots.some((s) => d.test(s.start))) problems.push(notOffered(describe(d)));
    }
  }
  return problems;
}

// ---------- (d) promise words ----------

const PROMISE_RE = /\b(guarantee[sd]?|guaranteeing|free|binding|warranty|warranties|warranted)\b/g;
const FREE_OK_BEFORE = /(?:feel|toll[- ]?|hands[- ]|you'?re|you are|are you|you|u)\s*$/;
const FREE_OK_AFTER = /^\s*up\b/;
const NEGATED_BEFORE = /\b(?:can't|cannot|can not|won't|don't|do not|not|no)\s+(?:be\s+)?$/;

function stemOf(word: string): string {
  if (word.startsWith("guarant")) return "guarantee";
  if (word.startsWith("warrant")) return "warranty";
  return word;
}

function checkPromises(lower: string, allowedPromises: string[]): string[] {
  const allowed = allowedPromises.map((p) => p.trim().toLowerCase()).filter((p) => p.length > 0);
  const problems: string[] = [];
  for (const m of lower.matchAll(PROMISE_RE)) {
    const word = m[1] ?? "";
    const stem = stemOf(word);
    const before = lower.slice(0, m.index);
    const after = lower.slice(m.index + word.length);
    if (stem === "free" && (FREE_OK_BEFORE.test(before) || FREE_OK_AFTER.test(after))) continue; // "feel free", "are you free"
    if (stem === "guarantee" && NEGATED_BEFORE.test(before)) continue; // "we can't guarantee"
    const isAllowed = allowed.some((p) => p === word || p === stem || (new RegExp(String.raw`\b${word}\b`).test(p) && lower.includes(p)));
    if (!isAllowed) problems.push(`uses the promise word "${word}", which the business does not offer: remove it`);
  }
  return problems;
}

// ---------- (e) disclosure ----------

const ASSISTANT_RE = /\b(?:virtual|ai|a\.i\.|automated|digital)\s+assistant\b|\basistente\s+virtual\b/;
const AI_SELF_RE =
  /\b(?:virtual|ai|a\.i\.|automated|digital)\s+assistant\b|\basistente\s+virtual\b|\b(?:i'm|i am|im|this is)\s+(?:an?\s+)?(?:ai|a\.i\.|bot|chatbot|automated)\b/;
const BOT_QUESTION_RES = [
  /\b(?:are|r)\s+(?:you|u)\s+(?:an?\s+)?(?:real|human|person|bot|robot|ai|a\.i\.|machine|computer|automated|chat\s?bot|live|actual)\b/,
  /\b(?:is\s+this|am\s+i\s+(?:talking|chatting|texting|speaking)\s+(?:to|with))\s+(?:an?\s+)?(?:real|human|person|bot|robot|ai|a\.i\.|machine|computer|automated|chat\s?bot|live|actual|someone\s+real)\b/,
  /\b(?:bot|robot|chatbot|ai|human|real person)\s*\?/,
  /\b(?:eres|es)\s+(?:un\s+)?(?:robot|bot|humano|persona)\b/,
];
const HUMAN_CLAIM_RES = [
  /\b(?:i'm|i am|im)\s+(?:not\s+(?:an?\s+)?(?:bot|robot|ai|a\.i\.|machine|computer|automated|virtual)\b|(?:an?\s+)?(?:real|actual|live)\s+(?:person|human)\b|(?:a\s+)?human\b|a\s+person\b)/,
  /\b(?:this is|you'?re (?:talking|texting|chatting|speaking) (?:to|with)|you are (?:talking|texting|chatting|speaking) (?:to|with))\s+(?:not\s+a\s+bot|an?\s+(?:real|actual|live)\s+(?:person|human)|a\s+human)\b/,
  /\bthis (?:is not|isn't) (?:an?\s+)?(?:bot|robot|ai|automated|machine|computer)\b/,
  /\b(?:soy\s+(?:un\s+|una\s+)?(?:humano|humana|persona\s+real)|no\s+soy\s+(?:un\s+)?(?:robot|bot))\b/,
];

function normalizeName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function namesBusiness(lower: string, businessName: string): boolean {
  const text = ` ${normalizeName(lower)} `;
  const name = normalizeName(businessName);
  const withoutSuffix = name.replace(/\s+(?:llc|inc|co|corp|ltd|company)$/, "");
  const firstWord = name.split(" ")[0] ?? "";
  return [name, withoutSuffix, firstWord.length >= 3 ? firstWord : ""].some((n) => n.length > 0 && text.includes(` ${n} `));
}

function checkDisclosure(lower: string, f: GuardFacts): string[] {
  const problems: string[] = [];
  if (HUMAN_CLAIM_RES.some((re) => re.test(lower))) {
    problems.push("claims to be a human; the agent is a virtual assistant and must never say otherwise");
  }
  if (f.firstAiMessage && !(ASSISTANT_RE.test(lower) && (namesBusiness(lower, f.businessName) || /\b(?:we|our|us)\b/.test(lower)))) {
    problems.push(`is the first message, so it must say it is ${f.businessName}'s virtual assistant`);
  }
  const asked = f.lastInbound.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  if (BOT_QUESTION_RES.some((re) => re.test(asked)) && !AI_SELF_RE.test(lower)) {
    problems.push(`the homeowner asked whether this is a bot: answer truthfully that this is ${f.businessName}'s virtual assistant`);
  }
  return problems;
}

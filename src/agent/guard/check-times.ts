// (c) Every date or time mentioned must be a slot find_slots offered (or the booked one), in the business zone.
import { DateTime } from "luxon";
import type { GuardFacts } from "./guard-facts.ts";
import { mask, type Span, wordsBefore } from "./text-spans.ts";

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
// "Sat"/"Sun" are ordinary words too: only capitalised and after on/this/next or before a date or time ("Sun 11/8", "Sat at 9").
// The look-ahead comes first so the look-behind (which walks back over spaces) runs only where "Sat"/"Sun" stands, not at
// every position of a long run of spaces (quadratic).
const SAT_SUN_RE = /(?:(?=Sat\b|Sun\b)(?<=\b(?:[Oo]n|[Tt]his|[Nn]ext)\s+)\b(Sat|Sun)\b\.?|\b(Sat|Sun)\b\.?(?=,?\s+(?:\d|at\b|@|[A-Z][a-z]{2})))/g;
const RELATIVE_RE = /\b(?:the\s+day\s+after\s+tomorrow|tomorrow|tmrw|today|tonight|this\s+(?:morning|afternoon|evening))\b/g;
const MONTH_DAY_RE = new RegExp(String.raw`\b(${MONTH})\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`, "g");
const DAY_MONTH_RE = new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(${MONTH})(?![a-z])(?:,?\s+(\d{4})\b)?`, "g");
const NUMERIC_DATE_RE = /(?<![\d/$.,])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?(?![\d/])/g;
const ORDINAL_RE = /\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b/g;

const HOUR = String.raw`(?:[01]?\d|2[0-3])`;
const MER = String.raw`(?:a\.m\.?|p\.m\.?|am|pm)`;
const HOUR_WORDS = ["twelve", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"];
// "7 o'clock" (or "seven o'clock") is a time even without am/pm; "7ish" is a bare hour like "7"
const CLOCK = String.raw`(?:noon|midday|midnight|${HOUR}(?::[0-5]\d)?\s?${MER}(?![a-z])|(?:${HOUR}|\b(?:${HOUR_WORDS.join("|")}))\s?o'?\s?clock\b|${HOUR}:[0-5]\d(?!\d)|${HOUR}(?:ish\b|(?![\d:]|[a-z%])))`;
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
  const word = HOUR_WORDS.indexOf(s.split(/\s|o'?\s?clock/)[0] ?? "");
  if (word >= 0) return { mins: hourCandidates(word === 0 ? 12 : word, 0), bare: false };
  const m = /^(\d{1,2})(?::(\d{2}))?\s?([ap])?/.exec(s);
  const h = Number(m?.[1] ?? 0);
  const min = Number(m?.[2] ?? 0);
  const mer = m?.[3];
  if (mer) {
    const h24 = h > 12 ? h : (h % 12) + (mer === "p" ? 12 : 0);
    return { mins: [h24 * 60 + min], bare: false };
  }
  return { mins: hourCandidates(h, min), bare: m?.[2] === undefined && !s.endsWith("clock") };
}

function findDays(original: string, text: string, now: DateTime): DayRef[] {
  const found: DayRef[] = [];
  // which characters a day already claimed: an overlap check per character, not per pair of days (quadratic)
  const taken = new Uint8Array(text.length);
  const add = (start: number, end: number, test: (d: DateTime) => boolean, kind: DayKind, weekday?: number): void => {
    for (let i = start; i < end; i++) if (taken[i]) return;
    taken.fill(1, start, end);
    found.push({ start, end, test, kinds: [kind], weekday });
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
  const inToken = new Uint8Array(text.length);
  for (const t of tokens) inToken.fill(1, t.start, t.end);
  const bounds: Span[] = [];
  let start = 0;
  for (const m of text.matchAll(/[.!?;\n]/g)) {
    if (inToken[m.index]) continue; // "a.m.", "Dec." do not end a clause
    bounds.push({ start, end: m.index });
    start = m.index + 1;
  }
  bounds.push({ start, end: text.length });
  return bounds;
}

/** Each clause's items (sorted, none straddling a clause end), in one walk instead of a filter per clause. */
function byClause<T extends Span>(items: T[], clauses: Span[]): T[][] {
  const out: T[][] = clauses.map(() => []);
  let i = 0;
  clauses.forEach((c, ci) => {
    while (i < items.length && (items[i]?.start ?? 0) < c.start) i++;
    while (i < items.length && (items[i]?.end ?? 0) <= c.end) out[ci]?.push(items[i++] as T);
  });
  return out;
}

/** `from` moved back over spaces and commas, not past `floor` */
function skipBack(text: string, from: number, floor: number): number {
  let i = from;
  while (i > floor && /[\s,]/.test(text[i - 1] ?? "")) i--;
  return i;
}

interface LocalSlot {
  start: DateTime;
  end: DateTime;
}

const minsOf = (d: DateTime): number => d.hour * 60 + d.minute;

export function checkTimes(body: string, text: string, f: GuardFacts): string[] {
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
  // a long span (a day far before its time) is shown by its ends: the problem text stays short however long the reply
  const describe = (s: Span): string =>
    s.end - s.start <= 80
      ? `"${body.slice(s.start, s.end).trim()}"`
      : `"${body.slice(s.start, s.start + 40).trim()} ... ${body.slice(s.end - 30, s.end).trim()}"`;
  const offered = slots
    .slice(0, 6)
    .map((s) => s.start.toFormat("ccc LLL d h:mm a"))
    .join(", ");
  const notOffered = (what: string): string =>
    slots.length === 0
      ? `mentions ${what}, but no time has been offered in this conversation: call find_slots first`
      : `mentions ${what}, which is not an offered time (offered: ${offered})`;

  const daysOf = byClause(days, clauses);
  const timesOf = byClause(times, clauses);
  clauses.forEach((clause, ci) => {
    const cDays = daysOf[ci] ?? [];
    const firstCue = text.slice(clause.start, clause.end).search(HOURS_CUE_RE);
    const afterCue = (s: Span): boolean => firstCue >= 0 && clause.start + firstCue < s.start;

    const usedDays = new Set<DayRef>();
    let p = 0; // cDays[0..p) end before the current time (times and days are both in text order)
    for (const t of timesOf[ci] ?? []) {
      const before = dayless.slice(Math.max(clause.start, wordsBefore(dayless, t.start, 2)), t.start);
      const isRange = t.endMins !== undefined;
      while (p < cDays.length && (cDays[p]?.end ?? 0) <= t.start) p++;
      const prevDay = cDays[p - 1];
      let q = p;
      while (q < cDays.length && (cDays[q]?.start ?? 0) < t.end) q++;
      const following = cDays[q];
      // only the first day after the time can be its day: any later one has that day's words in between
      const nextDay = following && /^[\s,]*(?:(?:on|this|next)\s+)*$/.test(text.slice(t.end, following.start)) ? following : undefined;
      const day = prevDay ?? nextDay;
      // only spaces and commas between (read back from the time, so times after one day do not each reread the gap)
      const adjacentDay = prevDay !== undefined && skipBack(text, t.start, prevDay.end) === prevDay.end;
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
  });
  return problems;
}

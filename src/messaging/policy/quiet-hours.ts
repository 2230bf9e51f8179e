// When a proactive text may reach a homeowner: a daily window of local clock time ("HH:MM", end
// exclusive) that must hold in EVERY zone the recipient may be in (ARCHITECTURE.md, principle 3).
import { DateTime } from "luxon";

export interface DailyWindow {
  /** "HH:MM", inclusive */
  start: string;
  /** "HH:MM", exclusive */
  end: string;
}

// Florida (Fla. Stat. 501.059), Oklahoma (15 O.S. 775C.1) and Maryland (Stop the Spam Calls Act)
// allow telephone solicitation only 08:00–20:00 local.
const EIGHT_TO_EIGHT_STATES = new Set(["FL", "OK", "MD"]);
const EIGHT_TO_EIGHT: DailyWindow = { start: "08:00", end: "20:00" };

/** The profile's window, narrowed to 08:00–20:00 when the recipient may be in FL, OK or MD (strictest wins). */
export function windowForStates(states: string[], profileWindow: DailyWindow): DailyWindow {
  if (!states.some((s) => EIGHT_TO_EIGHT_STATES.has(s.toUpperCase()))) return { start: profileWindow.start, end: profileWindow.end };
  const start = toMinutes(profileWindow.start) >= toMinutes(EIGHT_TO_EIGHT.start) ? profileWindow.start : EIGHT_TO_EIGHT.start;
  const end = toMinutes(profileWindow.end) <= toMinutes(EIGHT_TO_EIGHT.end) ? profileWindow.end : EIGHT_TO_EIGHT.end;
  return { start, end };
}

const DAY_MS = 24 * 60 * 60 * 1000;
// Zones whose windows never overlap (or overlap only part of the year) must not loop forever.
const HORIZON_DAYS = 400;

/**
 * `at` itself when it is inside the window in every zone, else the earliest later instant that is.
 * Throws when no such instant exists within HORIZON_DAYS (windows that never overlap).
 */
export function nextAllowedMoment(at: Date, zones: string[], window: DailyWindow): Date {
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  if (start >= end) throw new Error(`quiet-hours window ${window.start}-${window.end} must end after it starts`);
  if (zones.length === 0) throw new Error("nextAllowedMoment needs at least one time zone");
  const limit = at.getTime() + HORIZON_DAYS * DAY_MS;
  let t = at.getTime();
  // Each step jumps to the next opening of a zone that is closed at t: no allowed instant is skipped
  // (every zone must be open), t only grows, and openings are one per local day per zone.
  while (t <= limit) {
    const closed = zones.find((zone) => !isOpen(t, zone, start, end));
    if (closed === undefined) return t === at.getTime() ? at : new Date(t);
    t = nextOpening(t, closed, start);
  }
  throw new Error(`no moment within ${HORIZON_DAYS} days of ${at.toISOString()} is inside ${window.start}-${window.end} in every zone of ${zones.join(", ")}`);
}

function toMinutes(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`"${hhmm}" is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function local(ms: number, zone: string): DateTime {
  const d = DateTime.fromMillis(ms, { zone });
  if (!d.isValid) throw new Error(`unknown time zone "${zone}"`);
  return d;
}

/** Local clock time as fractional minutes since local midnight. */
function minuteOfDay(d: DateTime): number {
  return d.hour * 60 + d.minute + d.second / 60 + d.millisecond / 60_000;
}

function isOpen(ms: number, zone: string, start: number, end: number): boolean {
  const m = minuteOfDay(local(ms, zone));
  return m >= start && m < end;
}

/** The first instant after `ms` (closed in `zone`) at which the zone's local clock reads `start`. */
function nextOpening(ms: number, zone: string, start: number): number {
  const now = local(ms, zone);
  const day = minuteOfDay(now) < start ? now : now.plus({ days: 1 });
  const want = { year: day.year, month: day.month, day: day.day, hour: Math.floor(start / 60), minute: start % 60 };
  const opening = DateTime.fromObject(want, { zone });
  if (opening.hour === want.hour && opening.minute === want.minute) return opening.toMillis();
  // That clock time does not exist that day (a spring-forward gap, e.g. 02:30) and luxon moved it
  // past the gap: the window really opens at the jump, the first instant whose wall clock is >= it.
  const target = Date.UTC(want.year, want.month - 1, want.day, want.hour, want.minute);
  const wall = (x: number) => local(x, zone).setZone("utc", { keepLocalTime: true }).toMillis();
  let lo = Math.max(ms, opening.toMillis() - 3 * 60 * 60 * 1000);
  let hi = opening.toMillis();
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wall(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

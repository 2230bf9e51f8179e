// Which visits can be offered: a pure function of the bookable hours, the crews' busy time and the
// clock (cal.com's getSlots, plus crews). Everything is computed in the business's zone with luxon,
// so 08:00 is 08:00 local on the 23- and 25-hour days of a DST change.
//
// Rules (the booking transaction re-checks them and the database refuses crew overlaps):
//   - a slot starts on the step grid of one of the local day's open ranges (08:00, 08:30, …, stepping
//     in real minutes from the range's opening instant);
//   - the job (start + duration) ends by the range's closing; the buffer after it may run past;
//   - it starts at least minNoticeHours after now (and not before `from`);
//   - its local date is one of horizonDays days: today (local) and the horizonDays - 1 after it;
//   - closedDates have no slots; a date in dateOverrides uses those ranges ([] = closed) instead
//     of the weekday's;
//   - some crew is free for [start, start + duration + buffer): the lowest such crew is given.
import { DateTime } from "luxon";
import type { WeekHours } from "./is-within-hours.ts";

export interface Slot {
  startAt: Date;
  endAt: Date;
  /** the lowest crew free for the slot (1-based) */
  crew: number;
}

export interface BusyRange {
  crew: number;
  startAt: Date;
  busyUntil: Date;
}

export interface SlotQuery {
  now: Date;
  timezone: string;
  hours: WeekHours;
  dateOverrides: Record<string, string[]>;
  closedDates: string[];
  durationMinutes: number;
  bufferMinutes: number;
  minNoticeHours: number;
  horizonDays: number;
  stepMinutes: number;
  crews: number;
  busy: BusyRange[];
  /** only slots starting at or after this instant */
  from?: Date;
  /** at most this many slots (default 50) */
  limit?: number;
}

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const MINUTE = 60_000;
export const DEFAULT_SLOT_LIMIT = 50;

export function computeSlots(i: SlotQuery): Slot[] {
  const limit = i.limit ?? DEFAULT_SLOT_LIMIT;
  if (limit <= 0 || i.crews < 1 || i.durationMinutes <= 0 || i.stepMinutes <= 0) return [];
  const durationMs = i.durationMinutes * MINUTE;
  const busyMs = durationMs + i.bufferMinutes * MINUTE;
  const stepMs = i.stepMinutes * MINUTE;
  const earliest = Math.max(i.now.getTime() + i.minNoticeHours * 60 * MINUTE, i.from?.getTime() ?? -Infinity);
  const closed = new Set(i.closedDates);
  const busyByCrew = new Map<number, { s: number; e: number }[]>();
  for (const b of i.busy) {
    const list = busyByCrew.get(b.crew) ?? [];
    list.push({ s: b.startAt.getTime(), e: b.busyUntil.getTime() });
    busyByCrew.set(b.crew, list);
  }
  const freeCrew = (s: number): number | undefined => {
    const e = s + busyMs;
    for (let crew = 1; crew <= i.crews; crew++) {
      if (!(busyByCrew.get(crew) ?? []).some((b) => b.s < e && b.e > s)) return crew;
    }
    return undefined;
  };

  const today = DateTime.fromMillis(i.now.getTime(), { zone: i.timezone }).startOf("day");
  const out: Slot[] = [];
  for (let d = 0; d < i.horizonDays && out.length < limit; d++) {
    const day = today.plus({ days: d });
    const iso = day.toISODate();
    if (!iso || closed.has(iso)) continue;
    const ranges = i.dateOverrides[iso] ?? i.hours[DAYS[day.weekday - 1]!] ?? [];
    const starts = new Set<number>();
    for (const r of ranges) {
      const range = openRange(day, r);
      if (!range) continue;
      for (let s = range.open; s + durationMs <= range.close; s += stepMs) {
        if (s >= earliest) starts.add(s);
      }
    }
    for (const s of [...starts].sort((a, b) => a - b)) {
      const crew = freeCrew(s);
      if (crew !== undefined) out.push({ startAt: new Date(s), endAt: new Date(s + durationMs), crew });
      if (out.length >= limit) break;
    }
  }
  return out;
}

/** "HH:MM-HH:MM" (end may be 24:00) on a local day, as instants; undefined when malformed. */
function openRange(day: DateTime, range: string): { open: number; close: number } | undefined {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(range);
  if (!m) return undefined;
  const [oh, om, ch, cm] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  const at = (h: number, min: number) => (h === 24 ? day.plus({ days: 1 }).startOf("day") : day.set({ hour: h, minute: min }));
  const open = at(oh, om).toMillis();
  const close = at(ch, cm).toMillis();
  return close > open ? { open, close } : undefined;
}

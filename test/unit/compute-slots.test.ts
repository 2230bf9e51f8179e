import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { computeSlots, type SlotQuery } from "../../src/scheduling/compute-slots.ts";

const NY = "America/New_York";
const WEEKDAYS = { mon: ["08:00-17:00"], tue: ["08:00-17:00"], wed: ["08:00-17:00"], thu: ["08:00-17:00"], fri: ["08:00-17:00"] };

/** Mon 2026-11-30 07:00 EST */
const MONDAY_7AM = "2026-11-30T12:00:00Z";

const base: SlotQuery = {
  now: new Date(MONDAY_7AM),
  timezone: NY,
  hours: WEEKDAYS,
  dateOverrides: {},
  closedDates: [],
  durationMinutes: 60,
  bufferMinutes: 0,
  minNoticeHours: 0,
  horizonDays: 1,
  stepMinutes: 60,
  crews: 1,
  busy: [],
};

/** an instant from a New York wall-clock time "2026-11-30 09:00" */
const ny = (local: string) => DateTime.fromFormat(local, "yyyy-MM-dd HH:mm", { zone: NY }).toJSDate();
const busy = (crew: number, start: string, until: string) => ({ crew, startAt: ny(start), busyUntil: ny(until) });
/** the slots as "MM-dd HH:mm" in New York (and "/crew" when not 1) */
const local = (q: Partial<SlotQuery>) =>
  computeSlots({ ...base, ...q }).map((s) => DateTime.fromJSDate(s.startAt, { zone: NY }).toFormat("MM-dd HH:mm") + (s.crew === 1 ? "" : `/${s.crew}`));
const hoursOf = (day: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${day} ${String(from + i).padStart(2, "0")}:00`);

describe("computeSlots: America/New_York, weekdays 08:00-17:00", () => {
  it.each<[string, Partial<SlotQuery>, string[]]>([
    ["weekday hours: every hour from opening, the last one ending at closing", {}, hoursOf("11-30", 8, 16)],
    ["minimum notice: 2 hours from 07:00 starts at 09:00 (inclusive)", { minNoticeHours: 2 }, hoursOf("11-30", 9, 16)],
    ["minimum notice: 2 hours from 07:10 starts at 10:00", { minNoticeHours: 2, now: new Date("2026-11-30T12:10:00Z") }, hoursOf("11-30", 10, 16)],
    ["minimum notice runs into the next day", { minNoticeHours: 26, horizonDays: 2 }, hoursOf("12-01", 9, 16)],
    ["horizon 2: today and tomorrow only", { horizonDays: 2 }, [...hoursOf("11-30", 8, 16), ...hoursOf("12-01", 8, 16)]],
    [
      "no hours on the weekend: Fri, then Mon",
      { now: new Date("2026-12-04T12:00:00Z"), horizonDays: 4 },
      [...hoursOf("12-04", 8, 16), ...hoursOf("12-07", 8, 16)],
    ],
    ["closed date skipped", { horizonDays: 2, closedDates: ["2026-11-30"] }, hoursOf("12-01", 8, 16)],
    ["date override replaces the weekday's hours", { dateOverrides: { "2026-11-30": ["10:00-12:00"] } }, ["11-30 10:00", "11-30 11:00"]],
    ["date override [] closes the day", { horizonDays: 2, dateOverrides: { "2026-11-30": [] } }, hoursOf("12-01", 8, 16)],
    [
      "date override opens a Saturday",
      { now: new Date("2026-12-05T12:00:00Z"), dateOverrides: { "2026-12-05": ["09:00-11:00"] } },
      ["12-05 09:00", "12-05 10:00"],
    ],
    ["several ranges in any order, sorted", { hours: { mon: ["13:00-15:00", "08:00-10:00"] } }, ["11-30 08:00", "11-30 09:00", "11-30 13:00", "11-30 14:00"]],
    ["a range to 24:00", { hours: { mon: ["22:00-24:00"] } }, ["11-30 22:00", "11-30 23:00"]],
    ["a slot that would end after closing is not offered (2 h job, 17:00 close)", { durationMinutes: 120 }, hoursOf("11-30", 8, 15)],
    ["the buffer may run past closing", { bufferMinutes: 60 }, hoursOf("11-30", 8, 16)],
    ["half-hour grid from the range's opening", { stepMinutes: 30, hours: { mon: ["08:30-10:00"] } }, ["11-30 08:30", "11-30 09:00"]],
    [
      "crews 2, crew 1 busy at 09:00: 09:00 still offered, on crew 2",
      { crews: 2, busy: [busy(1, "2026-11-30 09:00", "2026-11-30 10:00")], hours: { mon: ["08:00-11:00"] } },
      ["11-30 08:00", "11-30 09:00/2", "11-30 10:00"],
    ],
    [
      "crews 1 busy at 09:00: 09:00 not offered",
      { busy: [busy(1, "2026-11-30 09:00", "2026-11-30 10:00")], hours: { mon: ["08:00-11:00"] } },
      ["11-30 08:00", "11-30 10:00"],
    ],
    [
      "another crew's busy time (crew 2 of crews 1) is ignored",
      { busy: [busy(2, "2026-11-30 09:00", "2026-11-30 10:00")], hours: { mon: ["08:00-10:00"] } },
      ["11-30 08:00", "11-30 09:00"],
    ],
    [
      "a booked visit's buffer keeps the next slot off (busy 09:00-10:30 for a 09:00-10:00 job)",
      { stepMinutes: 30, busy: [busy(1, "2026-11-30 09:00", "2026-11-30 10:30")], hours: { mon: ["08:00-12:00"] } },
      ["11-30 08:00", "11-30 10:30", "11-30 11:00"],
    ],
    [
      "the new visit's own buffer must fit before the next booked one (60 min + 30 min buffer, busy from 11:00)",
      { stepMinutes: 30, bufferMinutes: 30, busy: [busy(1, "2026-11-30 11:00", "2026-11-30 12:00")], hours: { mon: ["08:00-13:00"] } },
      ["11-30 08:00", "11-30 08:30", "11-30 09:00", "11-30 09:30", "11-30 12:00"],
    ],
    ["from: only slots at or after it", { horizonDays: 2, from: ny("2026-12-01 14:00") }, ["12-01 14:00", "12-01 15:00", "12-01 16:00"]],
    ["limit", { horizonDays: 5, limit: 3 }, ["11-30 08:00", "11-30 09:00", "11-30 10:00"]],
    ["a past slot is never offered, even with no notice", { now: new Date("2026-11-30T14:30:00Z") }, hoursOf("11-30", 10, 16)],
  ])("%s", (_name, q, expected) => {
    expect(local(q)).toEqual(expected);
  });

  it("gives the slot's end and crew", () => {
    const [s] = computeSlots({ ...base, crews: 3, busy: [busy(1, "2026-11-30 08:00", "2026-11-30 09:00"), busy(2, "2026-11-30 07:00", "2026-11-30 08:30")] });
    expect(s).toEqual({ startAt: ny("2026-11-30 08:00"), endAt: ny("2026-11-30 09:00"), crew: 3 });
  });
});

describe("computeSlots across DST changes (America/New_York)", () => {
  const sunday = { mon: [], sun: ["08:00-10:00"] };
  const utc = (q: Partial<SlotQuery>) => computeSlots({ ...base, ...q }).map((s) => s.startAt.toISOString());

  it.each<[string, Partial<SlotQuery>, string[]]>([
    [
      "the Sunday before spring-forward: 08:00 EST is 13:00Z",
      { now: new Date("2026-02-28T12:00:00Z"), horizonDays: 2, hours: sunday },
      ["2026-03-01T13:00:00.000Z", "2026-03-01T14:00:00.000Z"],
    ],
    [
      "spring-forward day (23 h): 08:00 EDT is 12:00Z",
      { now: new Date("2026-03-07T12:00:00Z"), horizonDays: 2, hours: sunday },
      ["2026-03-08T12:00:00.000Z", "2026-03-08T13:00:00.000Z"],
    ],
    [
      "fall-back day (25 h): 08:00 EST is 13:00Z",
      { now: new Date("2026-10-31T12:00:00Z"), horizonDays: 2, hours: sunday },
      ["2026-11-01T13:00:00.000Z", "2026-11-01T14:00:00.000Z"],
    ],
    [
      "the Saturday before fall-back: 08:00 EDT is 12:00Z",
      { now: new Date("2026-10-30T12:00:00Z"), horizonDays: 2, hours: { sat: ["08:00-09:00"] } },
      ["2026-10-31T12:00:00.000Z"],
    ],
    [
      "spring-forward inside a range: 00:00-06:00 hourly skips the missing 02:00 (5 slots, last ends 06:00 EDT)",
      { now: new Date("2026-03-07T12:00:00Z"), horizonDays: 2, hours: { sun: ["00:00-06:00"] } },
      ["2026-03-08T05:00:00.000Z", "2026-03-08T06:00:00.000Z", "2026-03-08T07:00:00.000Z", "2026-03-08T08:00:00.000Z", "2026-03-08T09:00:00.000Z"],
    ],
    [
      "fall-back inside a range: 00:00-06:00 hourly has 01:00 twice (7 slots, last ends 06:00 EST)",
      { now: new Date("2026-10-31T12:00:00Z"), horizonDays: 2, hours: { sun: ["00:00-06:00"] } },
      [
        "2026-11-01T04:00:00.000Z",
        "2026-11-01T05:00:00.000Z",
        "2026-11-01T06:00:00.000Z",
        "2026-11-01T07:00:00.000Z",
        "2026-11-01T08:00:00.000Z",
        "2026-11-01T09:00:00.000Z",
        "2026-11-01T10:00:00.000Z",
      ],
    ],
    [
      "the horizon counts local days across the change (Sat 23:30 EST, horizon 2 = Sat and Sun)",
      { now: new Date("2026-03-08T04:30:00Z"), horizonDays: 2, hours: { sun: ["08:00-09:00"], mon: ["08:00-09:00"] } },
      ["2026-03-08T12:00:00.000Z"],
    ],
  ])("%s", (_name, q, expected) => {
    expect(utc(q)).toEqual(expected);
  });

  it("a week of weekday hours across spring-forward keeps 08:00 local every day", () => {
    const slots = computeSlots({ ...base, now: new Date("2026-03-06T12:00:00Z"), horizonDays: 4, hours: { fri: ["08:00-09:00"], mon: ["08:00-09:00"] } });
    expect(slots.map((s) => DateTime.fromJSDate(s.startAt, { zone: NY }).toFormat("ccc HH:mm ZZ"))).toEqual(["Fri 08:00 -05:00", "Mon 08:00 -04:00"]);
  });
});

import { describe, expect, it } from "vitest";
import { isWithinHours, type WeekHours } from "../../src/scheduling/is-within-hours.ts";

const WEEKDAYS_8_TO_5: WeekHours = {
  mon: ["08:00-17:00"],
  tue: ["08:00-17:00"],
  wed: ["08:00-17:00"],
  thu: ["08:00-17:00"],
  fri: ["08:00-17:00"],
};

describe("isWithinHours: America/New_York, mon-fri 08:00-17:00, around DST changes", () => {
  it.each([
    // week of the spring-forward change (Sun 2026-03-08): EST is UTC-5 before, EDT UTC-4 after
    ["2026-03-06T12:30:00Z", "Fri 07:30 EST", false],
    ["2026-03-06T12:59:00Z", "Fri 07:59 EST", false],
    ["2026-03-06T13:00:00Z", "Fri 08:00 EST (start inclusive)", true],
    ["2026-03-06T13:30:00Z", "Fri 08:30 EST", true],
    ["2026-03-06T21:59:00Z", "Fri 16:59 EST", true],
    ["2026-03-06T22:00:00Z", "Fri 17:00 EST (end exclusive)", false],
    ["2026-03-07T15:00:00Z", "Sat 10:00 EST", false],
    ["2026-03-08T15:00:00Z", "Sun 11:00 EDT (the change day)", false],
    ["2026-03-09T02:00:00Z", "Sun 22:00 EDT (Monday in UTC)", false],
    ["2026-03-09T11:30:00Z", "Mon 07:30 EDT", false],
    ["2026-03-09T12:00:00Z", "Mon 08:00 EDT", true],
    ["2026-03-09T12:30:00Z", "Mon 08:30 EDT", true],
    ["2026-03-09T20:59:00Z", "Mon 16:59 EDT", true],
    ["2026-03-09T21:00:00Z", "Mon 17:00 EDT", false],
    ["2026-03-09T21:30:00Z", "Mon 17:30 EDT (still 16:30 in EST)", false],
    // week of the fall-back change (Sun 2026-11-01): EDT before, EST after
    ["2026-10-30T12:30:00Z", "Fri 08:30 EDT", true],
    ["2026-10-30T21:00:00Z", "Fri 17:00 EDT", false],
    ["2026-10-31T14:00:00Z", "Sat 10:00 EDT", false],
    ["2026-11-01T06:30:00Z", "Sun 01:30 EST (the repeated hour)", false],
    ["2026-11-02T12:30:00Z", "Mon 07:30 EST (would be 08:30 in EDT)", false],
    ["2026-11-02T13:00:00Z", "Mon 08:00 EST", true],
    ["2026-11-02T21:59:00Z", "Mon 16:59 EST", true],
    ["2026-11-02T22:00:00Z", "Mon 17:00 EST", false],
    ["2026-11-03T04:30:00Z", "Mon 23:30 EST (Tuesday in UTC)", false],
  ])("%s (%s) -> %s", (iso, _local, open) => {
    expect(isWithinHours(WEEKDAYS_8_TO_5, "America/New_York", new Date(iso))).toBe(open);
  });
});

describe("isWithinHours: other zones and range shapes", () => {
  it.each([
    // America/Los_Angeles (PDT, UTC-7 from 2026-03-08)
    ["LA Mon 08:30 PDT", WEEKDAYS_8_TO_5, "America/Los_Angeles", "2026-03-09T15:30:00Z", true],
    ["LA Mon 07:30 PDT (10:30 in New York)", WEEKDAYS_8_TO_5, "America/Los_Angeles", "2026-03-09T14:30:00Z", false],
    ["LA Mon 16:30 PDT (19:30 in New York)", WEEKDAYS_8_TO_5, "America/Los_Angeles", "2026-03-09T23:30:00Z", true],
    ["LA Mon 17:30 PDT (Tuesday in UTC)", WEEKDAYS_8_TO_5, "America/Los_Angeles", "2026-03-10T00:30:00Z", false],
    ["LA Fri 16:00 PST (before the change)", WEEKDAYS_8_TO_5, "America/Los_Angeles", "2026-03-07T00:00:00Z", true],
    // "00:00-24:00" means the whole day, both ends
    ["all day: Sun 00:00 EST", { sun: ["00:00-24:00"] }, "America/New_York", "2026-03-08T05:00:00Z", true],
    ["all day: Sun 12:00 EDT", { sun: ["00:00-24:00"] }, "America/New_York", "2026-03-08T16:00:00Z", true],
    ["all day: Sun 23:59 EDT", { sun: ["00:00-24:00"] }, "America/New_York", "2026-03-09T03:59:00Z", true],
    ["all day: Mon 00:00 EDT is another day", { sun: ["00:00-24:00"] }, "America/New_York", "2026-03-09T04:00:00Z", false],
    ["all day: Sat 23:59 EST is another day", { sun: ["00:00-24:00"] }, "America/New_York", "2026-03-08T04:59:00Z", false],
    ["evening to midnight: Mon 23:30 EDT", { mon: ["18:00-24:00"] }, "America/New_York", "2026-03-10T03:30:00Z", true],
    // several ranges in one day (a lunch break)
    ["split day: 11:59 EDT", { mon: ["08:00-12:00", "13:00-17:00"] }, "America/New_York", "2026-03-09T15:59:00Z", true],
    ["split day: 12:30 EDT (lunch)", { mon: ["08:00-12:00", "13:00-17:00"] }, "America/New_York", "2026-03-09T16:30:00Z", false],
    ["split day: 13:00 EDT", { mon: ["08:00-12:00", "13:00-17:00"] }, "America/New_York", "2026-03-09T17:00:00Z", true],
    // no hours at all: always closed
    ["no hours", {}, "America/New_York", "2026-03-09T16:00:00Z", false],
    ["empty day", { mon: [] }, "America/New_York", "2026-03-09T16:00:00Z", false],
    // UTC
    ["UTC Mon 08:00", WEEKDAYS_8_TO_5, "UTC", "2026-03-09T08:00:00Z", true],
    ["UTC Mon 07:59", WEEKDAYS_8_TO_5, "UTC", "2026-03-09T07:59:00Z", false],
  ] as [string, WeekHours, string, string, boolean][])("%s", (_name, hours, zone, iso, open) => {
    expect(isWithinHours(hours, zone, new Date(iso))).toBe(open);
  });
});

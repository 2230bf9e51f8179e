import { describe, expect, it } from "vitest";
import { holdForNumberCap, localDayOf } from "../../src/messaging/policy/number-daily-cap.ts";

describe("localDayOf: the business's local day, DST days included", () => {
  it.each<[string, string, string, string, string]>([
    ["noon in New York", "2026-06-15T16:00:00Z", "America/New_York", "2026-06-15T04:00:00.000Z", "2026-06-16T04:00:00.000Z"],
    ["23:59 New York is still that day", "2026-06-16T03:59:00Z", "America/New_York", "2026-06-15T04:00:00.000Z", "2026-06-16T04:00:00.000Z"],
    ["00:00 New York starts the next", "2026-06-16T04:00:00Z", "America/New_York", "2026-06-16T04:00:00.000Z", "2026-06-17T04:00:00.000Z"],
    ["spring forward: a 23-hour day", "2026-03-08T15:00:00Z", "America/New_York", "2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"],
    ["fall back: a 25-hour day", "2026-11-01T15:00:00Z", "America/New_York", "2026-11-01T04:00:00.000Z", "2026-11-02T05:00:00.000Z"],
    ["Los Angeles evening is already tomorrow in UTC", "2026-06-16T05:00:00Z", "America/Los_Angeles", "2026-06-15T07:00:00.000Z", "2026-06-16T07:00:00.000Z"],
  ])("%s", (_name, at, zone, start, next) => {
    const day = localDayOf(new Date(at), zone);
    expect(day.start.toISOString()).toBe(start);
    expect(day.next.toISOString()).toBe(next);
  });

  it("an unknown zone is an error, not UTC", () => {
    expect(() => localDayOf(new Date("2026-06-15T16:00:00Z"), "Mars/Olympus")).toThrow(/unknown time zone/);
  });
});

describe("holdForNumberCap: proactive sends past the day's allowance wait for the next local day", () => {
  const day = localDayOf(new Date("2026-06-15T16:00:00Z"), "America/New_York");
  it.each<[string, number, number, string | undefined]>([
    ["none sent yet", 0, 2000, undefined],
    ["one below the cap", 1999, 2000, undefined],
    ["cap reached", 2000, 2000, "2026-06-16T04:00:00.000Z"],
    ["past the cap (racing writers elsewhere)", 2005, 2000, "2026-06-16T04:00:00.000Z"],
    ["a cap of one", 1, 1, "2026-06-16T04:00:00.000Z"],
  ])("%s", (_name, sent, cap, until) => {
    expect(holdForNumberCap(sent, cap, day)?.toISOString()).toBe(until);
  });
});

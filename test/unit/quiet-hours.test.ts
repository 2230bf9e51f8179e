import { describe, expect, it } from "vitest";
import { type DailyWindow, nextAllowedMoment, windowForStates } from "../../src/messaging/policy/quiet-hours.ts";

const NY = "America/New_York";
const CHI = "America/Chicago";
const DEN = "America/Denver";
const LA = "America/Los_Angeles";
const PHX = "America/Phoenix";
const W8_21: DailyWindow = { start: "08:00", end: "21:00" };
const W8_20: DailyWindow = { start: "08:00", end: "20:00" };

describe("windowForStates: FL, OK and MD narrow the window to 08:00-20:00", () => {
  it.each<[string[], DailyWindow, DailyWindow]>([
    [[], W8_21, W8_21],
    [["NY"], W8_21, W8_21],
    [["TX"], { start: "07:00", end: "22:00" }, { start: "07:00", end: "22:00" }],
    [["FL"], W8_21, W8_20],
    [["OK"], W8_21, W8_20],
    [["MD"], W8_21, W8_20],
    [["md"], W8_21, W8_20],
    [["NY", "FL"], W8_21, W8_20],
    [["FL"], { start: "07:00", end: "22:00" }, W8_20],
    [["FL"], { start: "09:00", end: "19:00" }, { start: "09:00", end: "19:00" }],
    [["OK"], { start: "07:30", end: "19:30" }, { start: "08:00", end: "19:30" }],
  ])("%j with %j → %j", (states, profile, expected) => {
    expect(windowForStates(states, profile)).toEqual(expected);
  });
});

describe("nextAllowedMoment: one zone", () => {
  it.each<[string, string, string, DailyWindow, string]>([
    // America/New_York in summer (EDT, UTC-4)
    ["20:59 New York is sent", "2026-06-16T00:59:00Z", NY, W8_21, "2026-06-16T00:59:00Z"],
    ["21:00 New York (end exclusive) waits for 08:00", "2026-06-16T01:00:00Z", NY, W8_21, "2026-06-16T12:00:00Z"],
    ["20:30 New York under 08:00-21:00 is sent", "2026-06-16T00:30:00Z", NY, W8_21, "2026-06-16T00:30:00Z"],
    ["07:59 New York waits a minute", "2026-06-15T11:59:00Z", NY, W8_21, "2026-06-15T12:00:00Z"],
    ["08:00 New York (start inclusive)", "2026-06-15T12:00:00Z", NY, W8_21, "2026-06-15T12:00:00Z"],
    ["23:30 New York waits for 08:00 next day", "2026-06-16T03:30:00Z", NY, W8_21, "2026-06-16T12:00:00Z"],
    ["20:30 Miami under Florida's 08:00-20:00 waits for 08:00 next day", "2026-06-16T00:30:00Z", NY, W8_20, "2026-06-16T12:00:00Z"],
    ["19:59 Miami under 08:00-20:00 is sent", "2026-06-15T23:59:00Z", NY, W8_20, "2026-06-15T23:59:00Z"],
    // spring forward, Sun 2026-03-08 02:00 EST → 03:00 EDT
    ["Sat 21:30 EST → Sun 08:00 EDT (UTC-4)", "2026-03-08T02:30:00Z", NY, W8_21, "2026-03-08T12:00:00Z"],
    ["Sun 07:30 EDT → 08:00 EDT", "2026-03-08T11:30:00Z", NY, W8_21, "2026-03-08T12:00:00Z"],
    ["Sun 21:30 EDT → Mon 08:00 EDT", "2026-03-09T01:30:00Z", NY, W8_21, "2026-03-09T12:00:00Z"],
    ["Mon 07:30 EDT (08:30 in EST) is not yet open", "2026-03-09T11:30:00Z", NY, W8_21, "2026-03-09T12:00:00Z"],
    ["Fri before: 07:30 EST → 08:00 EST (UTC-5)", "2026-03-06T12:30:00Z", NY, W8_21, "2026-03-06T13:00:00Z"],
    // fall back, Sun 2026-11-01 02:00 EDT → 01:00 EST
    ["Sat 21:30 EDT → Sun 08:00 EST (UTC-5)", "2026-11-01T01:30:00Z", NY, W8_21, "2026-11-01T13:00:00Z"],
    ["Sun 01:30 EST (the repeated hour) → 08:00 EST", "2026-11-01T06:30:00Z", NY, W8_21, "2026-11-01T13:00:00Z"],
    ["Mon 07:30 EST (08:30 in EDT) is not yet open", "2026-11-02T12:30:00Z", NY, W8_21, "2026-11-02T13:00:00Z"],
    ["Mon 20:30 EST is sent", "2026-11-03T01:30:00Z", NY, W8_21, "2026-11-03T01:30:00Z"],
    ["Mon 21:00 EST → Tue 08:00 EST", "2026-11-03T02:00:00Z", NY, W8_21, "2026-11-03T13:00:00Z"],
    // a window that opens inside the spring-forward gap opens at the jump (03:00 EDT)
    ["02:30 start on the gap day opens at 03:00 EDT", "2026-03-08T06:00:00Z", NY, { start: "02:30", end: "21:00" }, "2026-03-08T07:00:00Z"],
    ["Phoenix keeps MST in summer", "2026-07-01T14:30:00Z", PHX, W8_21, "2026-07-01T15:00:00Z"],
  ])("%s", (_name, at, zone, window, expected) => {
    expect(nextAllowedMoment(new Date(at), [zone], window).toISOString()).toBe(new Date(expected).toISOString());
  });

  it("returns `at` itself when it is already allowed", () => {
    const at = new Date("2026-06-15T16:00:00Z");
    expect(nextAllowedMoment(at, [NY], W8_21)).toBe(at);
  });
});

describe("nextAllowedMoment: several zones (an ambiguous recipient) → the window must hold in every zone", () => {
  it.each<[string, string, string[], DailyWindow, string]>([
    // 850 (Florida panhandle): Central + Eastern
    ["07:30 Central = 08:30 Eastern waits for 08:00 Central", "2026-06-15T12:30:00Z", [CHI, NY], W8_21, "2026-06-15T13:00:00Z"],
    ["20:30 Eastern = 19:30 Central is sent", "2026-06-16T00:30:00Z", [CHI, NY], W8_21, "2026-06-16T00:30:00Z"],
    ["21:00 Eastern = 20:00 Central waits for 08:00 Central", "2026-06-16T01:00:00Z", [CHI, NY], W8_21, "2026-06-16T13:00:00Z"],
    ["850 under Florida's 08:00-20:00: 19:30 Central = 20:30 Eastern waits", "2026-06-16T00:30:00Z", [CHI, NY], W8_20, "2026-06-16T13:00:00Z"],
    ["order of zones does not matter", "2026-06-15T12:30:00Z", [NY, CHI], W8_21, "2026-06-15T13:00:00Z"],
    // 208 (Idaho): Mountain + Pacific
    ["07:30 Pacific = 08:30 Mountain waits for 08:00 Pacific", "2026-06-15T14:30:00Z", [DEN, LA], W8_21, "2026-06-15T15:00:00Z"],
    ["21:00 Mountain = 20:00 Pacific waits", "2026-06-16T03:00:00Z", [DEN, LA], W8_21, "2026-06-16T15:00:00Z"],
    // 928 (Arizona with the Navajo Nation): the same hour in winter, an hour apart in summer
    ["winter: 08:00 MST is open in both", "2026-01-15T15:00:00Z", [PHX, DEN], W8_21, "2026-01-15T15:00:00Z"],
    ["summer: 20:30 MST = 21:30 MDT waits for 08:00 MST", "2026-07-01T03:30:00Z", [PHX, DEN], W8_21, "2026-07-01T15:00:00Z"],
    // the zones change clocks on the same day: 08:00 Central the day after spring forward
    ["Sun after spring forward: 07:30 CDT → 08:00 CDT", "2026-03-08T12:30:00Z", [CHI, NY], W8_21, "2026-03-08T13:00:00Z"],
    ["Sun after fall back: 07:30 CST → 08:00 CST", "2026-11-01T13:30:00Z", [CHI, NY], W8_21, "2026-11-01T14:00:00Z"],
  ])("%s", (_name, at, zones, window, expected) => {
    expect(nextAllowedMoment(new Date(at), zones, window).toISOString()).toBe(new Date(expected).toISOString());
  });

  it("throws, instead of looping, when the windows never overlap", () => {
    expect(() => nextAllowedMoment(new Date("2026-06-15T12:00:00Z"), [NY, "Asia/Tokyo"], { start: "08:00", end: "10:00" })).toThrow(/no moment within/);
  });

  it.each<[string, string[], DailyWindow, RegExp]>([
    ["an empty window", [NY], { start: "21:00", end: "08:00" }, /must end after it starts/],
    ["a malformed time", [NY], { start: "8am", end: "21:00" }, /not HH:MM/],
    ["no zones", [], W8_21, /at least one time zone/],
    ["an unknown zone", ["Mars/Olympus_Mons"], W8_21, /unknown time zone/],
  ])("throws on %s", (_name, zones, window, error) => {
    expect(() => nextAllowedMoment(new Date("2026-06-15T12:00:00Z"), zones, window)).toThrow(error);
  });
});

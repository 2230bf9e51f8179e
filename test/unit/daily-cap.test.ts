import { describe, expect, it } from "vitest";
import { nextUnderCap } from "../../src/messaging/policy/daily-cap.ts";

const T = Date.parse("2026-06-15T12:00:00Z");
const H = 60 * 60 * 1000;
/** an instant `h` hours from T */
const at = (h: number) => new Date(T + h * H);

describe("nextUnderCap: fewer than `cap` proactive texts in (t - 24h, t]", () => {
  it.each<[string, number[], number, number]>([
    ["no earlier texts", [], 3, 0],
    ["two of three in the last day", [-10, -1], 3, 0],
    ["cap reached → the oldest counted one + 24h", [-23, -10, -1], 3, 1],
    ["a text older than 24h does not count", [-30, -10, -1], 3, 0],
    ["exactly 24h ago has left the window (open at t - 24h)", [-24], 1, 0],
    ["one at t itself counts (closed at t)", [0], 1, 24],
    ["later texts (scheduled) hold their place too: wait until 24h after the last", [1, 5], 1, 29],
    ["two texts leave together", [-23, -23, -1], 2, 1],
    ["cap 1 waits for the newest to leave", [-23, -23, -1], 1, 23],
    ["input order does not matter", [-1, -23, -10], 3, 1],
    ["a scheduled text counts once t reaches it: at +1h it replaces the one that left", [-23, -22, 0.5], 2, 2],
    ["cap 1 with texts spread over the day", [-20, -12, -4], 1, 20],
  ])("%s", (_name, hours, cap, expectedHours) => {
    expect(nextUnderCap(at(0), hours.map(at), cap)?.toISOString()).toBe(at(expectedHours).toISOString());
  });

  it.each([0, -1])("cap %d: proactive texts are never allowed → null", (cap) => {
    expect(nextUnderCap(at(0), [], cap)).toBeNull();
  });

  it("returns `at` itself when under the cap, and does not touch the input", () => {
    const now = at(0);
    const times = [at(-1), at(-23)];
    expect(nextUnderCap(now, times, 3)).toBe(now);
    expect(times.map((d) => d.toISOString())).toEqual([at(-1).toISOString(), at(-23).toISOString()]);
  });
});

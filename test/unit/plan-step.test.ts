import { describe, expect, it } from "vitest";
import { MIN_GAP_MS, planStep } from "../../src/sequences/plan-step.ts";
import type { TStep } from "../../src/sequences/sequence-schema.ts";

const step = (o: Partial<TStep>): TStep => ({ template: "x", channel: "sms", ...o }) as TStep;
const followUp = { steps: [step({ delay: "15m" }), step({ delay: "1d" }), step({ delay: "3d" })] };
const reminders = { steps: [step({ before: "24h" }), step({ before: "2h" })] };
const T = (iso: string) => new Date(iso);
const H = 3_600_000;

describe("planStep", () => {
  const anchor = T("2026-03-02T15:00:00Z");
  it.each([
    // [name, seq, from, now, lastSent, expected step, expected at]
    ["first follow-up 15 min after the lead", followUp, 0, anchor, null, 0, "2026-03-02T15:15:00.000Z"],
    ["second counts from the anchor, not the first send", followUp, 1, T("2026-03-02T15:20:00Z"), T("2026-03-02T15:16:00Z"), 1, "2026-03-03T15:00:00.000Z"],
    [
      "a late step keeps the minimum gap after the previous send",
      followUp,
      1,
      T("2026-03-03T16:00:00Z"),
      T("2026-03-03T15:30:00Z"),
      1,
      "2026-03-03T16:30:00.000Z",
    ],
    [
      "an overdue follow-up is still due (delayed, never dropped)",
      followUp,
      2,
      T("2026-03-09T00:00:00Z"),
      T("2026-03-03T15:00:00Z"),
      2,
      "2026-03-05T15:00:00.000Z",
    ],
    ["reminder 24 h before", reminders, 0, T("2026-02-20T00:00:00Z"), null, 0, "2026-03-01T15:00:00.000Z"],
    ["booked 3 h ahead: no 24 h reminder, the 2 h one stays", reminders, 0, T("2026-03-02T12:00:00Z"), null, 1, "2026-03-02T13:00:00.000Z"],
    ["booked 1 h ahead: the last reminder goes now", reminders, 0, T("2026-03-02T14:00:00Z"), null, 1, "2026-03-02T14:00:00.000Z"],
  ] as const)("%s", (_n, seq, from, now, last, expStep, expAt) => {
    expect(planStep(seq, from, anchor, now, last)).toEqual({ step: expStep, at: new Date(expAt) });
  });

  it.each([
    ["every step done", followUp, 3, anchor, null],
    ["visit already started", reminders, 0, T("2026-03-02T15:30:00Z"), null],
    [
      "the 2 h reminder would land after the visit because the 24 h one just went",
      { steps: [step({ before: "30m" })] },
      0,
      T("2026-03-02T14:00:00Z"),
      T("2026-03-02T14:40:00Z"),
    ],
  ] as const)("nothing left: %s", (_n, seq, from, now, last) => {
    expect(planStep(seq, from, anchor, now, last)).toBeUndefined();
  });

  it("keeps MIN_GAP at an hour", () => expect(MIN_GAP_MS).toBe(H));
});

import { describe, expect, it } from "vitest";
import { detectComplaint } from "../../src/sequences/detect-complaint.ts";

describe("detectComplaint", () => {
  it.each([
    "The sink is still leaking, not happy",
    "Honestly the tech was rude",
    "Worst service ever",
    "You guys didn't fix it",
    "I want a refund",
    "Pretty disappointed tbh",
    "it's STILL broken",
    "you overcharged me",
    "Nobody ever showed up. Didn't show at all",
  ])("complaint: %s", (t) => expect(detectComplaint(t)).toBe(true));

  it.each(["Thanks, great job!", "All good, left a review", "Happy with the work", "no problem at all, thank you", "Will do!", "5 stars"])(
    "not a complaint: %s",
    (t) => expect(detectComplaint(t)).toBe(false),
  );
});

import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { formatSlot, formatSlotDay, formatSlotTime, plainSpaces } from "../../src/scheduling/format-slot.ts";

const GSM_SAFE = /^[ -~]+$/; // printable ASCII: all in the GSM-7 basic set for these formats

describe("formatSlot: the homeowner's words in the business's zone", () => {
  it.each([
    ["2026-12-01T15:00:00Z", "America/New_York", "Tue Dec 1, 10:00 AM", "10 AM", "Tue Dec 1"],
    ["2026-12-01T15:30:00Z", "America/New_York", "Tue Dec 1, 10:30 AM", "10:30 AM", "Tue Dec 1"],
    ["2026-12-01T15:00:00Z", "America/Los_Angeles", "Tue Dec 1, 7:00 AM", "7 AM", "Tue Dec 1"],
    ["2026-12-01T04:00:00Z", "America/New_York", "Mon Nov 30, 11:00 PM", "11 PM", "Mon Nov 30"],
    ["2026-12-01T17:00:00Z", "America/New_York", "Tue Dec 1, 12:00 PM", "12 PM", "Tue Dec 1"],
    ["2026-03-08T12:00:00Z", "America/New_York", "Sun Mar 8, 8:00 AM", "8 AM", "Sun Mar 8"],
    ["2026-11-01T13:00:00Z", "America/New_York", "Sun Nov 1, 8:00 AM", "8 AM", "Sun Nov 1"],
  ])("%s in %s -> %s / %s", (iso, zone, full, short, day) => {
    const at = new Date(iso);
    expect(formatSlot(at, zone)).toBe(full);
    expect(formatSlotTime(at, zone)).toBe(short);
    expect(formatSlotDay(at, zone)).toBe(day);
  });

  it("every output is plain GSM-7 text, whatever the ICU version puts before AM/PM", () => {
    for (let h = 0; h < 48; h++) {
      const at = new Date(Date.UTC(2026, 11, 1, 0, h * 30));
      for (const s of [formatSlot(at, "America/New_York"), formatSlotTime(at, "America/Chicago"), formatSlotDay(at, "America/Denver")]) {
        expect(s).toMatch(GSM_SAFE);
      }
    }
  });

  it("plainSpaces turns the narrow no-break space (U+202F) and no-break space (U+00A0) into a plain space", () => {
    expect(plainSpaces("10:00\u202fAM")).toBe("10:00 AM");
    expect(plainSpaces("Tue\u00a0Dec 1,\u2009 10\u202fAM")).toBe("Tue Dec 1,  10 AM");
    // Intl's own time format (U+202F before AM on ICU 72+) comes out plain
    const intl = DateTime.fromISO("2026-12-01T15:00:00Z", { zone: "America/New_York", locale: "en-US" }).toLocaleString(DateTime.TIME_SIMPLE);
    expect(plainSpaces(intl)).toBe("10:00 AM");
  });
});

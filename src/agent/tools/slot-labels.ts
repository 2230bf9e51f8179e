// Slots as the model sees them: a label in the homeowner's words and the exact start to book with.
import { DateTime } from "luxon";
import { formatSlot } from "../../scheduling/format-slot.ts";

export function slotView(s: { startAt: Date }, timezone: string): { start: string; label: string } {
  return {
    start: DateTime.fromJSDate(s.startAt, { zone: timezone }).toISO({ suppressMilliseconds: true }) ?? s.startAt.toISOString(),
    label: formatSlot(s.startAt, timezone),
  };
}

/** A start the model sends back: an ISO time (with or without offset, read in the business's zone). */
export function parseStart(start: string, timezone: string): Date | undefined {
  const d = DateTime.fromISO(start, { zone: timezone, setZone: false });
  return d.isValid ? d.toJSDate() : undefined;
}

// When an enrollment's next step is due. Pure: the caller passes the clock's now.
// Steps count from the anchor (the trigger, or an appointment's start). Two steps of one enrollment
// never go closer than MIN_GAP (a delayed step must not land on top of the next one), and a
// reminder whose moment has passed (a visit booked 3 hours ahead has no 24-hour reminder) is skipped.
import { stepOffsetMs, type TStep } from "./sequence-schema.ts";

export const MIN_GAP_MS = 60 * 60_000;

export interface PlannedStep {
  step: number;
  at: Date;
}

export function planStep(seq: { readonly steps: readonly TStep[] }, from: number, anchorAt: Date, now: Date, lastSentAt: Date | null): PlannedStep | undefined {
  const anchor = anchorAt.getTime();
  for (let i = from; i < seq.steps.length; i++) {
    const s = seq.steps[i]!;
    let at = anchor + stepOffsetMs(s);
    if (lastSentAt) at = Math.max(at, lastSentAt.getTime() + MIN_GAP_MS);
    if (s.before !== undefined) {
      if (at >= anchor) continue; // it would arrive after the visit started
      if (at < now.getTime()) {
        // overdue (booked late, or we were down): only the last reminder is still worth sending
        if (seq.steps.slice(i + 1).some((n) => n.before !== undefined) || now.getTime() >= anchor) continue;
        at = now.getTime();
      }
    }
    return { step: i, at: new Date(at) };
  }
  return undefined;
}

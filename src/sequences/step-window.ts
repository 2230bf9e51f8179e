import type { DailyWindow } from "../messaging/policy/quiet-hours.ts";
import type { TStep } from "./sequence-schema.ts";

/** The law's window narrowed to the step's own hours (never widened; an empty overlap keeps the law's). */
export function stepWindow(law: DailyWindow, step: Pick<TStep, "hours">): DailyWindow {
  if (!step.hours) return law;
  const [start, end] = step.hours.split("-") as [string, string];
  const w = { start: start > law.start ? start : law.start, end: end < law.end ? end : law.end };
  return w.start < w.end ? w : law;
}

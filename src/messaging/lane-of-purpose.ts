// Deliveries a homeowner is waiting on right now ride the urgent lane.
import type { Lane } from "../lib/lane.ts";

const URGENT = new Set(["textback", "speed-to-lead", "help"]);

export function laneOfPurpose(purpose: string | null | undefined): Lane {
  return purpose && URGENT.has(purpose) ? "urgent" : "conversation";
}

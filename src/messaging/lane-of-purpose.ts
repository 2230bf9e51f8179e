// Deliveries a homeowner is waiting on right now ride the urgent lane; campaign sends ride the bulk
// lane below conversations, so a campaign never holds up a reply.
import type { Lane } from "../lib/lane.ts";

const URGENT = new Set(["textback", "speed-to-lead", "help", "opt-out-confirmation"]);
const BULK = new Set(["campaign"]);

export function laneOfPurpose(purpose: string | null | undefined): Lane {
  if (purpose && URGENT.has(purpose)) return "urgent";
  return purpose && BULK.has(purpose) ? "bulk" : "conversation";
}

// Which lane processes a stored webhook. The urgent lane is for what a homeowner is waiting on
// right now: a missed call's text-back, a form's first text, STOP/START/HELP.
import { classifyKeyword } from "./classify-keyword.ts";

import type { Lane } from "../lib/lane.ts";

export type { Lane };

export function laneOfEvent(kind: string, payload: Record<string, unknown>): Lane {
  if (kind === "voice" || kind === "dial-status" || kind === "lead") return "urgent";
  if (kind === "sms" && typeof payload.Body === "string" && classifyKeyword(payload.Body)?.kind === "keyword") return "urgent";
  return "conversation";
}

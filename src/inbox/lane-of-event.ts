// Which lane processes a stored webhook. The urgent lane is for what a homeowner is waiting on
// right now: a missed call's text-back, a form's first text, STOP/START/HELP.
import { classifyKeyword } from "./classify-keyword.ts";

import type { Lane } from "../lib/lane.ts";

export type { Lane };

export function laneOfEvent(kind: string, payload: Record<string, unknown>): Lane {
  // A call that rings through is bookkeeping until its dial-status says it was missed: it must not
  // hold up the dial-status (a busy line answers within a second) or any other text-back in a burst.
  // A call that goes straight to voicemail (no forward, after hours) is missed now.
  if (kind === "voice") return typeof payload.missedReason === "string" ? "urgent" : "conversation";
  if (kind === "dial-status" || kind === "lead") return "urgent";
  if (kind === "sms" && typeof payload.Body === "string" && classifyKeyword(payload.Body)?.kind === "keyword") return "urgent";
  return "conversation";
}

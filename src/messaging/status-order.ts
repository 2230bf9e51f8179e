// Outbound message statuses only move forward: a late "sent" callback never undoes "delivered".
// Twilio's own statuses plus ours: accepted (the API took it), blocked (never sent, by policy),
// unknown (crash mid-send: it may or may not have gone out).
const RANK: Record<string, number> = {
  queued: 0,
  scheduled: 0,
  sending: 1,
  /** the provider took it (Twilio answered "queued"/"accepted") */
  accepted: 2,
  unknown: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  blocked: 4,
  read: 5,
};

export const OUTBOUND_STATUSES = Object.keys(RANK);

/** True when a message in status `from` may move to `to`. */
export function canAdvanceStatus(from: string, to: string): boolean {
  const a = RANK[from];
  const b = RANK[to];
  if (a === undefined || b === undefined) return false;
  // failures are final: a later "read" or "sent" cannot revive them
  if (from === "blocked" || from === "failed" || from === "undelivered" || from === "canceled") return false;
  return b > a;
}

/** Every status that may move to `to` (for a guarded UPDATE … WHERE status IN (…)). */
export function statusesBefore(to: string): string[] {
  return OUTBOUND_STATUSES.filter((s) => canAdvanceStatus(s, to));
}

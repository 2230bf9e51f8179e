// A rolling 24-hour cap on proactive texts to one contact: a homeowner gets at most `cap` of them
// in any 24 hours, however the sequences, reminders and campaigns that send them are timed.
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The earliest t >= at at which fewer than `cap` of `proactiveTimes` fall within 24 hours of t on
 * either side, (t - 24h, t + 24h), or null when cap <= 0 (proactive texts are off). Later times
 * count too: a message already scheduled for tomorrow morning, or one whose send was stamped a
 * moment after ours, holds its place in every 24 hours around it.
 */
export function nextUnderCap(at: Date, proactiveTimes: Date[], cap: number): Date | null {
  if (cap <= 0) return null;
  const times = proactiveTimes.map((d) => d.getTime());
  const countAt = (t: number) => times.filter((x) => x > t - DAY_MS && x < t + DAY_MS).length;
  if (countAt(at.getTime()) < cap) return at;
  // The count only drops when a time leaves the window, i.e. at some x + 24h; the last of those
  // has every time more than 24h behind it and none ahead, so the loop always returns.
  const exits = times.map((x) => x + DAY_MS).filter((t) => t > at.getTime());
  for (const t of [...new Set(exits)].sort((a, b) => a - b)) {
    if (countAt(t) < cap) return new Date(t);
  }
  throw new Error("nextUnderCap: unreachable"); // the last exit has a count of 0
}

// The one clock. Business time (when a message was received, sent, scheduled; quiet hours; caps)
// comes from ctx.clock.now(), so a test can run a week of sequences on a fake clock. The lint
// rule "one clock" forbids `new Date()` and `Date.now()` everywhere else in src/.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Milliseconds of real elapsed time, for infrastructure only (BullMQ delays in Redis, timeouts,
 * id ordering, latency figures) — never for anything a homeowner or a report sees.
 */
export function wallMs(): number {
  return Date.now();
}

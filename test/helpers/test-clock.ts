import type { Clock } from "../../src/lib/clock.ts";

/**
 * A fake clock that flows like real time from where a test put it, and jumps when told (no
 * sleeping in tests: move the clock, then sweep). Flowing keeps rows written a moment apart in order.
 */
export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function createClock(iso = "2026-11-18T15:00:00Z"): TestClock {
  let base = new Date(iso).getTime();
  let setAt = Date.now();
  return {
    now: () => new Date(base + (Date.now() - setAt)),
    set(v) {
      base = new Date(v).getTime();
      setAt = Date.now();
    },
    advance(ms) {
      base += ms;
    },
  };
}

// Clocks for commands that drive the agent themselves. Every reading is later than the one before,
// so an answer is always newer than the message it answers and the next message newer than both.
import { wallMs, type Clock } from "../lib/clock.ts";

export interface ReplayClock extends Clock {
  /** jump ahead (a homeowner types their next line a minute later) */
  advance(ms: number): void;
}

/** The facts of the day, fixed: starts at `iso` and moves one millisecond per reading (a replay is the same every run). */
export function createReplayClock(iso: string): ReplayClock {
  let t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`not a time: ${iso}`);
  return {
    now: () => new Date(t++),
    advance(ms) {
      t += ms;
    },
  };
}

/** Real time that never repeats a millisecond (lines piped into `agent chat` arrive faster than that). */
export function createMonotonicClock(): Clock {
  let last = 0;
  return {
    now: () => {
      last = Math.max(wallMs(), last + 1);
      return new Date(last);
    },
  };
}

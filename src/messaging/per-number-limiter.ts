// Per-sender throughput (10DLC / toll-free MPS), shared by every process: a "next free slot"
// scheduler (GCRA without burst) in Redis. Each sending number has one theoretical arrival time
// (TAT) on Redis's own clock; a send takes the slot at max(TAT, now) and moves TAT one interval
// (1/mps s) past it, so two sends from a number are never closer than one interval, in any process.
// A fixed-window counter would allow 2× mps across a window edge; this cannot.
//
// Priority without a second bucket: replies and text-backs may RESERVE the next slot (waiting for it
// here, briefly), campaigns only take a slot that is free at that instant and never hold a future
// one. So a campaign backlog can push a reply back by at most one interval, and the total stays mps.
import type { Redis } from "ioredis";
import { wallMs } from "../lib/clock.ts";

/** reserve: may hold the next slot up to maxWaitMs ahead; free-only: only a slot free right now */
export type SlotMode = "reserve" | "free-only";

export interface PerNumberLimiter {
  /**
   * Waits (at most about maxWaitMs) for a send slot for `from` at `mps` messages per second.
   * Resolves 0 when the caller holds a slot that has come (send now, take no other), else the
   * milliseconds after which to ask again — no slot is held then.
   */
  take(from: string, mps: number, mode: SlotMode): Promise<number>;
}

export interface LimiterOptions {
  /** how long a send may wait here for its slot before the job is delayed instead (default 2 s) */
  maxWaitMs?: number;
}

// KEYS[1]: the number's TAT in µs on Redis's clock (TIME: one time base for every process).
// ARGV[1]: interval µs; ARGV[2]: how far ahead of now a slot may be taken, µs (0: only a free one).
// Returns {1, µs until the slot} when taken, {0, µs until the next slot} when not (nothing changed).
// Numbers are formatted with %.0f: Lua 5.1's tostring would round µs timestamps to 14 digits.
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local slot = math.max(tat, now)
local ahead = slot - now
if ahead > tonumber(ARGV[2]) then return {0, string.format('%.0f', ahead)} end
local nextTat = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1000)
return {1, string.format('%.0f', ahead)}
`;

/** Sleeps at least `ms` of real time (a Node timer may fire a little early on a busy loop). */
async function sleepFor(ms: number): Promise<void> {
  const until = wallMs() + ms;
  for (let left = ms; left > 0; left = until - wallMs()) await new Promise<void>((r) => setTimeout(r, Math.ceil(left)));
}

export function createPerNumberLimiter(redis: Redis, prefix: string, opts: LimiterOptions = {}): PerNumberLimiter {
  const maxWaitMs = opts.maxWaitMs ?? 2000;
  const takeSlot = async (from: string, intervalUs: number, aheadUs: number) => {
    const [taken, us] = (await redis.eval(TAKE_SLOT, 1, `${prefix}:slot:${from}`, intervalUs, aheadUs)) as [number, string];
    return { taken: taken === 1, ms: Number(us) / 1000 };
  };
  return {
    async take(from, mps, mode) {
      const intervalUs = Math.round(1_000_000 / mps);
      if (mode === "reserve") {
        const r = await takeSlot(from, intervalUs, maxWaitMs * 1000);
        if (!r.taken) return Math.max(1, Math.ceil(r.ms - maxWaitMs)); // ask again once the slot is within reach
        if (r.ms > 0) await sleepFor(r.ms);
        return 0;
      }
      // free-only: wait here for a free slot while the next is within reach (a slot that passes
      // unclaimed is lost to the rate), but never hold one ahead of time
      const until = wallMs() + maxWaitMs;
      for (;;) {
        const r = await takeSlot(from, intervalUs, 0);
        if (r.taken) return 0;
        if (wallMs() + r.ms > until) return Math.max(1, Math.ceil(r.ms));
        await sleepFor(r.ms);
      }
    },
  };
}

// Per-sender limits in Redis, shared by every process, on Redis's own clock (TIME: one time base):
//
// - Throughput (10DLC / toll-free MPS): a "next free slot" scheduler (GCRA without burst). Each
//   sending number has one theoretical arrival time (TAT); a send takes the slot at max(TAT, now)
//   and moves TAT one interval past it. A fixed-window counter allows 2× mps across a window edge;
//   this cannot. Replies and text-backs may RESERVE the next slot (waiting for it here, briefly);
//   campaigns take only a slot free at that instant and never hold a future one, so a campaign
//   backlog pushes a reply back by at most one interval.
// - The provider sees our sends with the jitter of our own path (a database write, timers on a busy
//   loop), which can bunch two sends granted a slot apart. So the interval is 3% longer than 1/mps,
//   and right before each provider call `pace` holds a send until the number's last `mps` calls span
//   at least a second (+40 ms for what follows): no second at the provider holds more than mps.
// - The daily allowance: a counter per number per local day, started from Postgres (the truth) the
//   first time a day is counted and again after a flush.
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
  /** Right before the provider call (after `take`): waits until this call keeps every second of `from`'s calls at or under mps. */
  pace(from: string, mps: number): Promise<void>;
  /**
   * Counts one more proactive send for `from` on the local day `day` (any stable key for it) when
   * fewer than `cap` are counted; false when the allowance is used up. `seed` gives the day's count
   * from Postgres when Redis has none (the day's first send, or after a flush).
   */
  countDaily(from: string, day: string, cap: number, seed: () => Promise<number>): Promise<boolean>;
  /** Gives back a count for a send that did not go out after all. */
  uncountDaily(from: string, day: string): Promise<void>;
}

export interface LimiterOptions {
  /** how long a send may wait here for its slot before the job is delayed instead (default 2 s) */
  maxWaitMs?: number;
}

/** slots are this much further apart than 1/mps: the room `pace` needs to absorb our own jitter */
const SLOT_HEADROOM = 1.03;
/** what `pace` adds to the second for the HTTP hop after it */
const PACE_MARGIN_US = 40_000;

// KEYS[1]: the number's TAT, µs. ARGV[1]: interval µs; ARGV[2]: how far ahead of now a slot may be
// taken, µs (0: only a free one); ARGV[4]: burst, µs: how far the schedule may run ahead of now
// while a send still goes at once (replies: a burst up to mps goes together, `pace` keeps every
// second at or under mps; campaigns: 0); ARGV[3]: how late a taker may be and still keep the slot's place
// (a campaign worker wakes a few ms after its slot: the schedule stays on its grid instead of
// drifting by that much every send; `pace` still holds the second). Returns {1, µs until the
// slot} when taken, {0, µs until the next slot} when not (nothing changed). %.0f: Lua 5.1's
// tostring would round µs timestamps to 14 digits.
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local slot = now
if tat >= now - tonumber(ARGV[3]) then slot = tat end
local ahead = math.max(0, slot - tonumber(ARGV[4]) - now)
if ahead > tonumber(ARGV[2]) then return {0, string.format('%.0f', ahead)} end
local nextTat = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1000)
return {1, string.format('%.0f', ahead)}
`;
// KEYS[1]: the number's last provider calls, µs, newest first. ARGV[1]: how many a window may hold;
// ARGV[2]: the window, µs. Returns 0 (recorded: call now) or the µs to wait (nothing recorded).
const PACE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local oldest = tonumber(redis.call('LINDEX', KEYS[1], n - 1))
if oldest and oldest + window > now then return string.format('%.0f', oldest + window - now) end
redis.call('LPUSH', KEYS[1], string.format('%.0f', now))
redis.call('LTRIM', KEYS[1], 0, n - 1)
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
return 0
`;
// KEYS[1]: the number's count for the day; ARGV[1]: the cap. -1: no count yet (seed it first).
const COUNT_DAILY = `
local n = redis.call('GET', KEYS[1])
if not n then return -1 end
if tonumber(n) >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
return 1
`;
// only an existing count is lowered: after a flush the seed from Postgres is the count
const UNCOUNT_DAILY = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECR', KEYS[1]) end return 1`;
/** a day's count outlives the day by a day, whatever its zone */
const DAILY_TTL_S = 2 * 24 * 3600;

/** Sleeps at least `ms` of real time (a Node timer may fire a little early on a busy loop). */
async function sleepFor(ms: number): Promise<void> {
  const until = wallMs() + ms;
  for (let left = ms; left > 0; left = until - wallMs()) await new Promise<void>((r) => setTimeout(r, Math.ceil(left)));
}

export function createPerNumberLimiter(redis: Redis, prefix: string, opts: LimiterOptions = {}): PerNumberLimiter {
  const maxWaitMs = opts.maxWaitMs ?? 2000;
  const takeSlot = async (from: string, intervalUs: number, aheadUs: number, burstUs = 0) => {
    const [taken, us] = (await redis.eval(TAKE_SLOT, 1, `${prefix}:slot:${from}`, intervalUs, aheadUs, Math.round(intervalUs / 4), burstUs)) as [
      number,
      string,
    ];
    return { taken: taken === 1, ms: Number(us) / 1000 };
  };
  const dailyKey = (from: string, day: string) => `${prefix}:daily:${from}:${day}`;
  return {
    async take(from, mps, mode) {
      const intervalUs = Math.round((1_000_000 / mps) * SLOT_HEADROOM);
      if (mode === "reserve") {
        // a burst of replies (missed calls at once) goes together, up to mps; `pace` holds the second
        const r = await takeSlot(from, intervalUs, maxWaitMs * 1000, Math.max(0, Math.floor(mps) - 1) * intervalUs);
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
    async pace(from, mps) {
      // mps below 1 (e.g. 0.5): one call per 1/mps seconds
      const count = Math.max(1, Math.floor(mps));
      const windowUs = Math.round((count / mps) * 1_000_000) + PACE_MARGIN_US;
      for (;;) {
        const us = Number(await redis.eval(PACE, 1, `${prefix}:calls:${from}`, count, windowUs));
        if (us <= 0) return;
        await sleepFor(us / 1000);
      }
    },
    async countDaily(from, day, cap, seed) {
      const key = dailyKey(from, day);
      for (let attempt = 0; attempt < 2; attempt++) {
        const r = (await redis.eval(COUNT_DAILY, 1, key, cap)) as number;
        if (r !== -1) return r === 1;
        // NX: another process may have seeded it meanwhile; theirs stands
        await redis.set(key, await seed(), "EX", DAILY_TTL_S, "NX");
      }
      throw new Error(`daily count for ${from} could not be started`);
    },
    async uncountDaily(from, day) {
      await redis.eval(UNCOUNT_DAILY, 1, dailyKey(from, day));
    },
  };
}

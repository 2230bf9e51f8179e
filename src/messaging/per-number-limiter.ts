// Per-sender throughput (10DLC / toll-free MPS). BullMQ's limiter is per queue, so each business
// number gets a Redis token bucket of its own.
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Redis } from "ioredis";

export interface PerNumberLimiter {
  /** 0 when `from` may send now, else milliseconds to wait */
  take(from: string, mps: number): Promise<number>;
}

export function createPerNumberLimiter(redis: Redis, prefix: string): PerNumberLimiter {
  const byRate = new Map<number, RateLimiterRedis>();
  function limiterFor(mps: number): RateLimiterRedis {
    let l = byRate.get(mps);
    if (!l) {
      // mps below 1 (e.g. 0.5) becomes one message per 2 s
      const points = Math.max(1, Math.floor(mps));
      const durationMs = mps >= 1 ? 1000 : Math.ceil(1000 / mps);
      l = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}-mps-${mps}`, points, duration: durationMs / 1000 });
      byRate.set(mps, l);
    }
    return l;
  }
  return {
    async take(from, mps) {
      try {
        await limiterFor(mps).consume(from, 1);
        return 0;
      } catch (e) {
        if (e instanceof RateLimiterRes) return Math.max(1, e.msBeforeNext);
        throw e;
      }
    },
  };
}

// Failed signatures on the work-events webhook, counted per client IP in Redis (shared by every web
// process). Past the limit, that IP is refused with 429 — a correct signature too — until its
// window (counted from its first failure) is over: guessing a secret costs a window per few tries.
import type { Response } from "express";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";
import { clientIpKey } from "../../lib/client-ip-key.ts";
import { AppError } from "../../lib/errors.ts";

export interface FailedSignatureLimit {
  /** throws a 429 AppError (with Retry-After set) while this IP is over the limit */
  check(res: Response, ip: string): Promise<void>;
  /** counts one failed signature or token from this IP */
  fail(ip: string): Promise<void>;
}

/** 20 failed signatures per IP per 10 minutes */
export const FAILED_SIGNATURE_LIMIT = { points: 20, duration: 600 };

export function limitFailedSignatures(redis: Redis, prefix: string, limit = FAILED_SIGNATURE_LIMIT): FailedSignatureLimit {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}-rl-events-sig`,
    ...limit,
    // Redis down: keep counting in this process rather than stop counting
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}-rlm-events-sig`, ...limit }),
  });
  return {
    async check(res, ip) {
      const seen: RateLimiterRes | null = await limiter.get(clientIpKey(ip)).catch(() => null);
      if (!seen || seen.consumedPoints < limit.points) return;
      res.setHeader("Retry-After", String(Math.max(1, Math.ceil(seen.msBeforeNext / 1000))));
      throw new AppError("too_many", "too many failed signatures from this address, try again later");
    },
    async fail(ip) {
      await limiter.penalty(clientIpKey(ip), 1).catch(() => undefined);
    },
  };
}

// Failed signatures on the work-events webhook, counted per client IP in Redis (shared by every web
// process). Past the limit, that IP is refused with 429 — a correct signature too — until its
// window (counted from its first failure) is over: guessing a secret costs a window per few tries.
import { isIPv6 } from "node:net";
import type { Response } from "express";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";
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
      const seen: RateLimiterRes | null = await limiter.get(ipKey(ip)).catch(() => null);
      if (!seen || seen.consumedPoints < limit.points) return;
      res.setHeader("Retry-After", String(Math.max(1, Math.ceil(seen.msBeforeNext / 1000))));
      throw new AppError("too_many", "too many failed signatures from this address, try again later");
    },
    async fail(ip) {
      await limiter.penalty(ipKey(ip), 1).catch(() => undefined);
    },
  };
}

/** An IPv6 client is counted by its /64 (one subscriber's whole network); IPv4 by its address. */
export function ipKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (v4) return v4;
  if (!isIPv6(ip)) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = ip.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

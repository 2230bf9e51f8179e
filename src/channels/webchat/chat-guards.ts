// Guards for the browser-facing chat API: CORS limited to the profile's allowedOrigins, session
// bearer tokens (only their hash is stored), and Redis-backed rate limits per IP and per session.
import { randomBytes } from "node:crypto";
import { sameSecret, sha256Hex } from "../../lib/crypto.ts";
import type { Request, Response } from "express";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Redis } from "ioredis";
import type { BusinessRef } from "../../business/business-directory.ts";
import { AppError } from "../../lib/errors.ts";

export function newSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}

export function tokenMatches(token: string | undefined, hash: string): boolean {
  return Boolean(token) && sameSecret(Buffer.from(hashToken(token!), "hex"), Buffer.from(hash, "hex"));
}

/** Refuses a browser origin the business did not list; sets the CORS headers for one it did. */
export function allowOrigin(req: Request, res: Response, business: BusinessRef): void {
  const origin = req.header("origin");
  if (!origin) return; // not a browser cross-origin call (curl, server to server)
  const allowed = business.profile.webchat?.allowedOrigins.map((o) => new URL(o).origin) ?? [];
  if (!allowed.includes(origin)) throw new AppError("forbidden", `origin ${origin} is not allowed for this business`);
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
}

export function preflight(res: Response): void {
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", "Content-Type, Authorization, Last-Event-ID");
  res.setHeader("Access-Control-Max-Age", "600");
  res.status(204).end();
}

export interface ChatLimits {
  /** throws a 429 AppError (and sets Retry-After) when over a limit */
  take(res: Response, kind: "session-create" | "message-ip" | "message-session", key: string): Promise<void>;
}

const LIMITS = {
  "session-create": { points: 20, duration: 600 }, // new sessions per IP per 10 minutes
  "message-ip": { points: 60, duration: 60 }, // messages per IP per minute
  "message-session": { points: 15, duration: 60 }, // messages per session per minute
} as const;

export function createChatLimits(redis: Redis, prefix: string): ChatLimits {
  const limiters = Object.fromEntries(
    Object.entries(LIMITS).map(([k, v]) => [k, new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}-rl-${k}`, ...v })]),
  ) as Record<keyof typeof LIMITS, RateLimiterRedis>;
  return {
    async take(res, kind, key) {
      try {
        await limiters[kind].consume(key);
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) return; // Redis trouble: serve the visitor rather than refuse them
        res.setHeader("Retry-After", String(Math.ceil(e.msBeforeNext / 1000)));
        throw new AppError("too_many", "too many requests, slow down");
      }
    },
  };
}

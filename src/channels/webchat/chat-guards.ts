// Guards for the browser-facing chat API: CORS limited to the profile's allowedOrigins, session
// bearer tokens (only their hash is stored), Redis-backed rate limits per IP, session and number,
// and caps on open event streams.
import { randomBytes } from "node:crypto";
import { sameSecret, sha256Hex } from "../../lib/crypto.ts";
import type { Request, Response } from "express";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
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

export type ChatLimitKind = keyof typeof LIMITS;

export interface ChatLimits {
  /** throws a 429 AppError (and sets Retry-After) when over a limit */
  take(res: Response, kind: ChatLimitKind, key: string): Promise<void>;
  /** the same against a limit of the caller's (a business's own cap): at most `max` in the kind's window */
  takeUpTo(res: Response, kind: ChatLimitKind, key: string, max: number): Promise<void>;
}

const LIMITS = {
  "session-create": { points: 20, duration: 600 }, // new sessions per IP per 10 minutes
  "message-ip": { points: 60, duration: 60 }, // messages per IP per minute
  "message-session": { points: 15, duration: 60 }, // messages per session per minute
  // "text me instead": each request texts a number someone typed, so these are tight
  "sms-session": { points: 3, duration: 3600 }, // invitations per chat session per hour
  "sms-number": { points: 3, duration: 86_400 }, // invitations to one number per day, across every business on this server
  "sms-ip": { points: 10, duration: 3600 }, // invitations per client (IPv4 address or IPv6 /64) per hour
  "sms-business": { points: 1_000_000, duration: 86_400 }, // invitations per business per day: counted here, capped by the profile (takeUpTo)
  "verify-ip": { points: 30, duration: 3600 }, // code attempts per IP per hour (each code also allows only 5)
} as const;

/** Limits that send a text: while Redis is unreachable they fall back to a per-process count instead of letting everything through. */
const FAIL_CLOSED = new Set<ChatLimitKind>(["sms-session", "sms-number", "sms-ip", "sms-business", "verify-ip"]);

export function createChatLimits(redis: Redis, prefix: string): ChatLimits {
  const limiters = Object.fromEntries(
    Object.entries(LIMITS).map(([k, v]) => [
      k,
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}-rl-${k}`,
        ...v,
        ...(FAIL_CLOSED.has(k as ChatLimitKind) ? { insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}-rlm-${k}`, ...v }) } : {}),
      }),
    ]),
  ) as Record<ChatLimitKind, RateLimiterRedis>;
  const refuse = (res: Response, msBeforeNext: number) => {
    res.setHeader("Retry-After", String(Math.max(1, Math.ceil(msBeforeNext / 1000))));
    return new AppError("too_many", "too many requests, slow down");
  };
  return {
    async take(res, kind, key) {
      try {
        await limiters[kind].consume(key);
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) return; // Redis trouble: serve the visitor rather than refuse them (FAIL_CLOSED kinds count in memory instead)
        throw refuse(res, e.msBeforeNext);
      }
    },
    async takeUpTo(res, kind, key, max) {
      let used: RateLimiterRes;
      try {
        used = await limiters[kind].consume(key);
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) return;
        used = e;
      }
      if (used.consumedPoints > max) throw refuse(res, used.msBeforeNext);
    },
  };
}

/** Open event streams are capped per session, per client IP and per process (each holds a socket and a hub subscription). */
export const STREAM_CAPS = { perSession: 3, perIp: 20, total: 2000 };

export interface StreamCaps {
  /** a release function for a stream that may open, undefined when a cap is reached */
  open(sessionId: string, ip: string): (() => void) | undefined;
  readonly openCount: number;
}

export function createStreamCaps(caps: typeof STREAM_CAPS = STREAM_CAPS): StreamCaps {
  const bySession = new Map<string, number>();
  const byIp = new Map<string, number>();
  let total = 0;
  const add = (m: Map<string, number>, k: string, d: number) => {
    const n = (m.get(k) ?? 0) + d;
    if (n > 0) m.set(k, n);
    else m.delete(k);
  };
  return {
    open(sessionId, ip) {
      if (total >= caps.total || (bySession.get(sessionId) ?? 0) >= caps.perSession || (byIp.get(ip) ?? 0) >= caps.perIp) return undefined;
      total++;
      add(bySession, sessionId, 1);
      add(byIp, ip, 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total--;
        add(bySession, sessionId, -1);
        add(byIp, ip, -1);
      };
    },
    get openCount() {
      return total;
    },
  };
}

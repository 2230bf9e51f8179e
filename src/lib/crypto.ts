// Secret comparison and signatures, once: every door that takes a token or a signature uses these.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Constant-time equality of two secrets (false when either is missing). */
export function sameSecret(given: string | Buffer | undefined | null, secret: string | Buffer | undefined | null): boolean {
  if (given === undefined || given === null || secret === undefined || secret === null) return false;
  const a = Buffer.isBuffer(given) ? given : Buffer.from(given);
  const b = Buffer.isBuffer(secret) ? secret : Buffer.from(secret);
  if (a.length === 0 || a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

export function hmacSha256(secret: string, body: Buffer | string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

/** True when `header` is `sha256=<hex HMAC-SHA256 of body under secret>` (Meta, our forms). */
export function sha256SignatureMatches(header: string | undefined, secret: string, body: Buffer): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? "");
  return Boolean(m && sameSecret(Buffer.from(m[1]!, "hex"), hmacSha256(secret, body)));
}

export function sha256Hex(s: string | Buffer): string {
  return createHash("sha256").update(s).digest("hex");
}

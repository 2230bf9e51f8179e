// "Text me instead" proof of ownership, the pure part: a 6-digit code texted to the number, stored
// only as a hash bound to the session and to the number it was sent to, good for 15 minutes and 5
// tries. The code is the only proof: typed into the chat, or texted back as the whole message. A
// plain "YES" proves nothing (the business's own campaigns ask people to reply YES).
import { randomInt } from "node:crypto";
import { sameSecret, sha256Hex } from "../../lib/crypto.ts";

export const PROOF_TTL_MS = 15 * 60_000;
export const MAX_PROOF_ATTEMPTS = 5;

export function newProofCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

/** The stored form of a code: it matches only for this session and the number it was texted to. */
export function hashProofCode(sessionId: string, phone: string, code: string): string {
  return sha256Hex(`chat-proof:${sessionId}:${phone}:${code}`);
}

/** Constant-time; anything but six digits never matches. */
export function proofCodeMatches(sessionId: string, phone: string, code: string, hash: string | null): boolean {
  if (!hash || !/^\d{6}$/.test(code)) return false;
  return sameSecret(Buffer.from(hashProofCode(sessionId, phone, code), "hex"), Buffer.from(hash, "hex"));
}

/** When the invitation for a pending proof went out. */
export function invitedAt(proofExpiresAt: Date): Date {
  return new Date(proofExpiresAt.getTime() - PROOF_TTL_MS);
}

/** How the chat names the number: its last four digits ("…1234"). */
export function phoneTail(phone: string): string {
  return `…${phone.replace(/\D/g, "").slice(-4)}`;
}

/**
 * The code an SMS carries when the code is the whole message ("123456", "123 456", "123-456."),
 * else undefined: a code inside a longer text ("call me at 555123 456789") is an ordinary message.
 */
export function readProofCode(body: string): string | undefined {
  if (body.length > 20) return undefined;
  const m = /^\s*(\d{3})[\s-]?(\d{3})\s*[.!]?\s*$/.exec(body);
  return m ? `${m[1]}${m[2]}` : undefined;
}

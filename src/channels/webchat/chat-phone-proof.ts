// "Text me instead" proof of ownership, the pure part: a 6-digit code texted to the number, stored
// only as a hash (salted with the session id), good for 15 minutes and 5 tries; or the number's own
// reply to that text ("YES", or the code).
import { randomInt } from "node:crypto";
import { sameSecret, sha256Hex } from "../../lib/crypto.ts";

export const PROOF_TTL_MS = 15 * 60_000;
export const MAX_PROOF_ATTEMPTS = 5;

export function newProofCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

export function hashProofCode(sessionId: string, code: string): string {
  return sha256Hex(`chat-proof:${sessionId}:${code}`);
}

/** Constant-time; anything but six digits never matches. */
export function proofCodeMatches(sessionId: string, code: string, hash: string | null): boolean {
  if (!hash || !/^\d{6}$/.test(code)) return false;
  return sameSecret(Buffer.from(hashProofCode(sessionId, code), "hex"), Buffer.from(hash, "hex"));
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
 * What an SMS says about an invitation: `yes` when its first word is YES (or Y), `codes` = the
 * 6-digit runs it contains. Any other text is an ordinary message, never a proof: a homeowner who
 * is already texting the business must not hand their thread to whoever typed their number.
 */
export function readProofReply(body: string): { yes: boolean; codes: string[] } {
  const first = (body.trim().split(/\s+/)[0] ?? "").replace(/[^\p{L}\p{N}]/gu, "").toUpperCase();
  const codes = [...body.matchAll(/(?<!\d)\d{6}(?!\d)/g)].map((m) => m[0]);
  return { yes: first === "YES" || first === "Y", codes };
}

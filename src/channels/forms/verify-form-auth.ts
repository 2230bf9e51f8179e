import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../../lib/errors.ts";

const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * A website form proves itself with the profile's token: as `X-Leadline-Token`, or as
 * `X-Leadline-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (the token never travels).
 */
export function verifyFormAuth(secret: string | undefined, raw: Buffer, headers: { token?: string | undefined; signature?: string | undefined }): void {
  if (!secret) throw new AppError("forbidden", "lead forms are not enabled for this business (set forms.token)");
  if (headers.signature) {
    const m = /^sha256=([0-9a-f]{64})$/i.exec(headers.signature.trim());
    const expected = createHmac("sha256", secret).update(raw).digest();
    if (m && same(Buffer.from(m[1]!, "hex"), expected)) return;
    throw new AppError("forbidden", "bad X-Leadline-Signature");
  }
  if (headers.token && same(Buffer.from(headers.token), Buffer.from(secret))) return;
  throw new AppError("forbidden", "missing or wrong X-Leadline-Token");
}

export function sameSecret(given: string | undefined, secret: string | undefined): boolean {
  return Boolean(given && secret && same(Buffer.from(given), Buffer.from(secret)));
}

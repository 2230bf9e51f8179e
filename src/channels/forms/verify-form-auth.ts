import { AppError } from "../../lib/errors.ts";
import { sameSecret, sha256SignatureMatches } from "../../lib/crypto.ts";

/**
 * A website form (or a work-events sender, with its own secret) proves itself with the profile's token: as `X-Leadline-Token`, or as
 * `X-Leadline-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (the token never travels).
 */
export function verifyFormAuth(
  secret: string | undefined,
  raw: Buffer,
  headers: { token?: string | undefined; signature?: string | undefined },
  /** the refusal when the business has no secret for this door */
  notEnabled = "lead forms are not enabled for this business (set forms.token)",
): void {
  if (!secret) throw new AppError("forbidden", notEnabled);
  if (headers.signature) {
    if (sha256SignatureMatches(headers.signature, secret, raw)) return;
    throw new AppError("forbidden", "bad X-Leadline-Signature");
  }
  if (sameSecret(headers.token, secret)) return;
  throw new AppError("forbidden", "missing or wrong X-Leadline-Token");
}

import { AppError } from "../../lib/errors.ts";

/** JSON object or urlencoded body → plain object (repeated urlencoded keys become arrays). */
export function parseFormBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const text = raw.toString("utf8");
  if (type === "application/json" || type.endsWith("+json")) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new AppError("bad_request", "malformed JSON body");
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new AppError("bad_request", "body must be a JSON object");
    return v as Record<string, unknown>;
  }
  if (type === "application/x-www-form-urlencoded") {
    const out: Record<string, unknown> = {};
    for (const [k, val] of new URLSearchParams(text)) {
      const prior = out[k];
      out[k] = prior === undefined ? val : Array.isArray(prior) ? [...prior, val] : [prior, val];
    }
    return out;
  }
  throw new AppError("bad_request", "send application/json or application/x-www-form-urlencoded");
}

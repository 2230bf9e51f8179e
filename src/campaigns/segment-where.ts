import { AppError } from "../lib/errors.ts";
import { parseSegment } from "./parse-segment.ts";
import { segmentSql } from "./segment-sql.ts";

/** `--segment EXPR` as SQL over contacts `c` ("true" when none is given); `next` is the first parameter number after it. */
export function segmentWhere(expr: string | undefined, firstParam: number, now: Date, timezone?: string): { sql: string; values: unknown[]; next: number } {
  if (!expr?.trim()) return { sql: "TRUE", values: [], next: firstParam };
  const parsed = parseSegment(expr);
  if (!parsed.ok) throw new AppError("bad_request", `--segment: ${parsed.error}`);
  const { sql, values } = segmentSql(parsed.segment, firstParam, { now, ...(timezone ? { timezone } : {}) });
  return { sql, values, next: firstParam + values.length };
}

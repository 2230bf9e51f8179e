// A parsed segment as a SQL boolean over the "Contact" table aliased c (pure). The caller scopes it
// to one business (c."businessId" = $1 …) and numbers its own parameters before firstParam.
// A negated term also takes in contacts for whom the term is unknown: "-last_job_before:2024-01-01"
// means "no job before 2024", which a contact with no last job date satisfies; so NOT COALESCE(term, false).
import { DateTime } from "luxon";
import type { Period, Segment, SegmentTerm, ZipMatch } from "./parse-segment.ts";

export interface SegmentSqlOptions {
  /** business time: last_job_older_than counts back from it, service looks at appointments before it */
  now?: Date;
  /** the business's zone: "12 months ago" is a date there (default UTC) */
  timezone?: string;
}

/** Appointments that count as service done: booked ones already past, and completed ones. */
const DONE_STATUSES = ["booked", "completed"];

export function segmentSql(segment: Segment, firstParam: number, options: SegmentSqlOptions = {}): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (v: unknown, cast: string) => {
    values.push(v);
    return `$${firstParam + values.length - 1}::${cast}`;
  };
  const parts = segment.terms.map((term) => {
    const expr = termSql(term, param, options);
    return term.negate ? `NOT COALESCE(${expr}, false)` : expr;
  });
  return { sql: parts.length ? parts.join(" AND ") : "TRUE", values };
}

type Param = (v: unknown, cast: string) => string;
const anyOf = (exprs: string[]) => (exprs.length === 1 ? exprs[0]! : `(${exprs.join(" OR ")})`);

function termSql(term: SegmentTerm, param: Param, o: SegmentSqlOptions): string {
  switch (term.key) {
    case "last_job_before":
      return anyOf(term.values.map((d) => `c."lastJobDate" < ${param(d, "date")}`));
    case "last_job_after":
      return anyOf(term.values.map((d) => `c."lastJobDate" > ${param(d, "date")}`));
    case "last_job_older_than": {
      const now = need(o.now, term);
      return anyOf(term.values.map((p) => `c."lastJobDate" < ${param(cutoffDay(now, o.timezone ?? "UTC", p), "date")}`));
    }
    case "tag":
      return `c."tags" && ${param(term.values, "text[]")}`;
    case "service": {
      const keys = param(term.values, "text[]");
      const done = `a."status" = ANY(${param(DONE_STATUSES, "text[]")}) AND a."startAt" < ${param(need(o.now, term).toISOString(), "timestamptz")}`;
      return (
        `(EXISTS (SELECT 1 FROM "Appointment" a WHERE a."contactId" = c."id" AND a."businessId" = c."businessId" AND a."serviceKey" = ANY(${keys}) AND ${done})` +
        ` OR c."tags" && ${keys})`
      );
    }
    case "zip":
      return zipSql(term.values, param);
    case "has":
      return anyOf(term.values.map(hasSql));
  }
}

function need(now: Date | undefined, term: SegmentTerm): Date {
  if (!now) throw new Error(`segmentSql: the term ${term.key} needs options.now (business time, from ctx.clock)`);
  return now;
}

/** The first day that is not "older than" the period: today in the zone, minus the period. */
function cutoffDay(now: Date, zone: string, p: Period): string {
  const today = DateTime.fromJSDate(now, { zone }).startOf("day");
  const unit = { d: "days", w: "weeks", mo: "months", y: "years" }[p.unit];
  return today.minus({ [unit]: p.amount }).toISODate()!;
}

function zipSql(matches: ZipMatch[], param: Param): string {
  const exact = matches.filter((m) => !m.prefix).map((m) => m.value);
  const exprs = exact.length ? [`c."zip" = ANY(${param(exact, "text[]")})`] : [];
  // parseSegment admits no % or _, but a Segment may be built by hand: only the trailing * is a wildcard
  for (const m of matches.filter((x) => x.prefix)) exprs.push(`c."zip" LIKE ${param(m.value.replace(/[\\%_]/g, "\\$&") + "%", "text")}`);
  return anyOf(exprs);
}

function hasSql(field: (SegmentTerm & { key: "has" })["values"][number]): string {
  switch (field) {
    case "email":
    case "phone":
    case "name":
    case "zip":
      return `(c."${field}" IS NOT NULL AND c."${field}" <> '')`;
    case "last_job":
      return `c."lastJobDate" IS NOT NULL`;
    case "tags":
      return `cardinality(c."tags") > 0`;
  }
}

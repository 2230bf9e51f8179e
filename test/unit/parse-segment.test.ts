import { describe, expect, it } from "vitest";
import { parseSegment, type SegmentTerm } from "../../src/campaigns/parse-segment.ts";
import { segmentSql } from "../../src/campaigns/segment-sql.ts";

describe("parseSegment: terms", () => {
  it.each<[string, SegmentTerm[]]>([
    ["", []],
    ["   ", []],
    ["last_job_before:2024-01-01", [{ key: "last_job_before", negate: false, values: ["2024-01-01"] }]],
    ["last_job_after:2023-06-30", [{ key: "last_job_after", negate: false, values: ["2023-06-30"] }]],
    ["last_job_older_than:12mo", [{ key: "last_job_older_than", negate: false, values: [{ amount: 12, unit: "mo" }] }]],
    ["last_job_older_than:90d", [{ key: "last_job_older_than", negate: false, values: [{ amount: 90, unit: "d" }] }]],
    ["last_job_older_than:2Y", [{ key: "last_job_older_than", negate: false, values: [{ amount: 2, unit: "y" }] }]],
    ["last_job_older_than:6w", [{ key: "last_job_older_than", negate: false, values: [{ amount: 6, unit: "w" }] }]],
    ["tag:vip,Gold", [{ key: "tag", negate: false, values: ["vip", "gold"] }]],
    ['tag:"water heater",vip', [{ key: "tag", negate: false, values: ["water heater", "vip"] }]],
    [
      "zip:10001,100*,m5v*",
      [
        {
          key: "zip",
          negate: false,
          values: [
            { value: "10001", prefix: false },
            { value: "100", prefix: true },
            { value: "M5V", prefix: true },
          ],
        },
      ],
    ],
    ["service:Furnace", [{ key: "service", negate: false, values: ["furnace"] }]],
    ["service:water-heater,drain-cleaning", [{ key: "service", negate: false, values: ["water-heater", "drain-cleaning"] }]],
    ["has:email", [{ key: "has", negate: false, values: ["email"] }]],
    ["has:email,phone,last_job", [{ key: "has", negate: false, values: ["email", "phone", "last_job"] }]],
    ["-tag:do-not-call", [{ key: "tag", negate: true, values: ["do-not-call"] }]],
    ["TAG:vip", [{ key: "tag", negate: false, values: ["vip"] }]],
    [
      "  last_job_older_than:12mo   tag:vip  -zip:100*  has:email ",
      [
        { key: "last_job_older_than", negate: false, values: [{ amount: 12, unit: "mo" }] },
        { key: "tag", negate: false, values: ["vip"] },
        { key: "zip", negate: true, values: [{ value: "100", prefix: true }] },
        { key: "has", negate: false, values: ["email"] },
      ],
    ],
  ])("%j", (expr, terms) => {
    expect(parseSegment(expr)).toEqual({ ok: true, segment: { terms } });
  });
});

describe("parseSegment: errors name the term", () => {
  it.each<[string, string]>([
    ["vip", 'term "vip": expected key:value, e.g. tag:vip'],
    [":vip", 'term ":vip": expected key:value, e.g. tag:vip'],
    ["colour:red", 'term "colour:red": unknown key "colour" (known: last_job_before, last_job_after, last_job_older_than, tag, zip, service, has)'],
    ["tag:", 'term "tag:": needs a value'],
    ["tag:vip,,gold", 'term "tag:vip,,gold": empty value in the list'],
    ["tag:vip,", 'term "tag:vip,": empty value in the list'],
    ["last_job_before:2024-13-01", 'term "last_job_before:2024-13-01": "2024-13-01" is not a date (YYYY-MM-DD)'],
    ["last_job_after:01/02/2024", 'term "last_job_after:01/02/2024": "01/02/2024" is not a date (YYYY-MM-DD)'],
    ["last_job_older_than:12", 'term "last_job_older_than:12": "12" is not a period: a whole number from 1 to 1200 with d, w, mo or y (90d, 12mo, 2y)'],
    [
      "last_job_older_than:12m",
      'term "last_job_older_than:12m": "12m" is not a period: a whole number from 1 to 1200 with d, w, mo or y (90d, 12mo, 2y) ("m" is ambiguous: months are "mo")',
    ],
    ["last_job_older_than:0d", 'term "last_job_older_than:0d": "0d" is not a period: a whole number from 1 to 1200 with d, w, mo or y (90d, 12mo, 2y)'],
    ["last_job_older_than:1.5y", 'term "last_job_older_than:1.5y": "1.5y" is not a period: a whole number from 1 to 1200 with d, w, mo or y (90d, 12mo, 2y)'],
    ["zip:*", 'term "zip:*": "*" is not a ZIP or a ZIP prefix ending in * (10001, 100*)'],
    ["zip:1*0", 'term "zip:1*0": "1*0" is not a ZIP or a ZIP prefix ending in * (10001, 100*)'],
    ["service:water_heater", 'term "service:water_heater": "water_heater" is not a service key (letters, digits and dashes, as in the profile\'s services)'],
    ["has:money", 'term "has:money": "money" is not something a contact can have (email, phone, name, zip, last_job, tags)'],
    ["tag:" + "x".repeat(51), `term "tag:${"x".repeat(51)}": "${"x".repeat(51)}" is not a tag (1 to 50 characters)`],
    ['tag:"water heater', "segment: unclosed quote"],
    ['tag:wat"e"r', 'term "tag:wat"e"r": quotes go around a whole value: wat"e"r'],
    ['tag:wat"er', "segment: unclosed quote"],
    ["zip:10%", 'term "zip:10%": "10%" is not a ZIP or a ZIP prefix ending in * (10001, 100*)'],
    ["zip:10_*", 'term "zip:10_*": "10_*" is not a ZIP or a ZIP prefix ending in * (10001, 100*)'],
    ["tag:vip bogus", 'term "bogus": expected key:value, e.g. tag:vip'],
    ["x".repeat(2001), "segment: longer than 2000 characters"],
  ])("%j", (expr, error) => {
    expect(parseSegment(expr)).toEqual({ ok: false, error });
  });
});

describe("segmentSql", () => {
  const sqlOf = (expr: string, firstParam = 1, options = { now: new Date("2026-03-31T12:00:00Z"), timezone: "America/New_York" }) => {
    const p = parseSegment(expr);
    if (!p.ok) throw new Error(p.error);
    return segmentSql(p.segment, firstParam, options);
  };

  it.each<[string, number, string, unknown[]]>([
    ["", 1, "TRUE", []],
    ["last_job_before:2024-01-01", 1, 'c."lastJobDate" < $1::date', ["2024-01-01"]],
    ["last_job_after:2024-01-01,2025-01-01", 3, '(c."lastJobDate" > $3::date OR c."lastJobDate" > $4::date)', ["2024-01-01", "2025-01-01"]],
    // a month back from March 31 is Feb 28 (luxon clamps to the month's end)
    ["last_job_older_than:1mo", 2, 'c."lastJobDate" < $2::date', ["2026-02-28"]],
    ["last_job_older_than:90d", 1, 'c."lastJobDate" < $1::date', ["2025-12-31"]],
    ["last_job_older_than:2y", 1, 'c."lastJobDate" < $1::date', ["2024-03-31"]],
    ["tag:vip,gold", 5, 'c."tags" && $5::text[]', [["vip", "gold"]]],
    ["-tag:vip", 1, 'NOT COALESCE(c."tags" && $1::text[], false)', [["vip"]]],
    ["zip:10001,10002", 1, 'c."zip" = ANY($1::text[])', [["10001", "10002"]]],
    ["zip:100*,m5v*", 1, '(c."zip" LIKE $1::text OR c."zip" LIKE $2::text)', ["100%", "M5V%"]],
    ["zip:10001,112*", 1, '(c."zip" = ANY($1::text[]) OR c."zip" LIKE $2::text)', [["10001"], "112%"]],
    ["has:email", 1, `(c."email" IS NOT NULL AND c."email" <> '')`, []],
    ["has:last_job,tags", 1, `(c."lastJobDate" IS NOT NULL OR cardinality(c."tags") > 0)`, []],
    ["tag:vip has:email", 7, `c."tags" && $7::text[] AND (c."email" IS NOT NULL AND c."email" <> '')`, [["vip"]]],
  ])("%j from $%i", (expr, first, sql, values) => {
    expect(sqlOf(expr, first)).toEqual({ sql, values });
  });

  it("service: a past appointment with the key, or the tag", () => {
    const { sql, values } = sqlOf("service:furnace", 4);
    expect(sql).toBe(
      '(EXISTS (SELECT 1 FROM "Appointment" a WHERE a."contactId" = c."id" AND a."businessId" = c."businessId" AND a."serviceKey" = ANY($4::text[]) AND a."status" = ANY($5::text[]) AND a."startAt" < $6::timestamptz) OR c."tags" && $4::text[])',
    );
    expect(values).toEqual([["furnace"], ["booked", "completed"], "2026-03-31T12:00:00.000Z"]);
  });

  it("a hand-built segment's LIKE wildcards are escaped (only the trailing * is one)", () => {
    const { values } = segmentSql({ terms: [{ key: "zip", negate: false, values: [{ value: "1%_", prefix: true }] }] }, 1);
    expect(values).toEqual(["1\\%\\_%"]);
  });

  it("the business's zone decides which day it is", () => {
    // 02:00 UTC on April 1 is still March 31 in New York
    expect(sqlOf("last_job_older_than:1d", 1, { now: new Date("2026-04-01T02:00:00Z"), timezone: "America/New_York" }).values).toEqual(["2026-03-30"]);
    expect(sqlOf("last_job_older_than:1d", 1, { now: new Date("2026-04-01T02:00:00Z"), timezone: "UTC" }).values).toEqual(["2026-03-31"]);
  });

  it.each(["last_job_older_than:12mo", "service:furnace"])("%s without options.now is a programming error, named", (expr) => {
    const p = parseSegment(expr);
    expect(p.ok).toBe(true);
    if (p.ok) expect(() => segmentSql(p.segment, 1)).toThrow(`the term ${expr.split(":")[0]} needs options.now`);
  });
});

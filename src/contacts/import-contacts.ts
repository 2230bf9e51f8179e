// Past customers from a CSV, streamed: rows are checked one by one (bad ones listed with their row
// number, good ones kept) and written 1,000 at a time, each batch one INSERT … ON CONFLICT statement
// that merges by phone into existing contacts and records marketing consent when asked. Re-running
// the same file changes nothing: the merge keeps what is known and consent is never recorded twice.
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { CountryCode } from "libphonenumber-js";
import { z } from "zod";
import type { SqlRunner } from "../db/open-database.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/new-id.ts";
import { mergeContactRow } from "./merge-contact-row.ts";
import { parseContactRow, type ContactFields, type ContactRow } from "./parse-contact-row.ts";
import { readContactHeader, type ContactHeader } from "./read-contact-header.ts";

export interface ImportContactsOptions {
  businessId: string;
  /** the country a number without +code belongs to (the business's own) */
  region: CountryCode;
  now: Date;
  /** record marketing consent (basis "import") for every contact in the file, with this wording */
  marketingConsent?: { wording: string } | undefined;
  /** rows per statement (default 1000) */
  batchSize?: number;
}

export const ZImportSummary = z.object({
  /** data rows read (bad ones included) */
  rows: z.number().int(),
  good: z.number().int(),
  /** the first MAX_LISTED bad rows (row: the line of the file, the header being row 1); badCount has them all */
  bad: z.array(z.object({ row: z.number().int(), reason: z.string() })),
  badCount: z.number().int(),
  /** new contacts */
  created: z.number().int(),
  /** existing contacts the file merged into */
  merged: z.number().int(),
  /** good rows whose phone appeared earlier in the file (merged with that row, counted once above) */
  repeatedPhones: z.number().int(),
  consentsRecorded: z.number().int(),
  /** header columns that fill no field */
  ignoredColumns: z.array(z.string()),
});
export type ImportSummary = z.infer<typeof ZImportSummary>;

const MAX_LISTED = 1000;

// One statement per batch: it is atomic, and one round trip. The rows travel as one JSON
// parameter (jsonb_to_recordset), so the statement's text and plan are the same for every batch.
const UPSERT_BATCH = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS r(id text, phone text, name text, email text, zip text, "lastJobDate" date, tags text[])
), up AS (
  INSERT INTO "Contact" AS c ("id", "businessId", "phone", "name", "email", "zip", "lastJobDate", "tags", "createdAt", "updatedAt")
  SELECT id, $2::text, phone, name, email, zip, "lastJobDate", COALESCE(tags, '{}'), $3::timestamptz, $3::timestamptz FROM input
  ON CONFLICT ("businessId", "phone") DO UPDATE SET
    "name" = COALESCE(NULLIF(c."name", ''), EXCLUDED."name"),
    "email" = COALESCE(NULLIF(c."email", ''), EXCLUDED."email"),
    "zip" = COALESCE(NULLIF(c."zip", ''), EXCLUDED."zip"),
    "lastJobDate" = GREATEST(c."lastJobDate", EXCLUDED."lastJobDate"),
    "tags" = ARRAY(SELECT t FROM unnest(c."tags" || EXCLUDED."tags") WITH ORDINALITY AS u(t, i) GROUP BY t ORDER BY min(i)),
    "updatedAt" = $3::timestamptz
  RETURNING c."id", c."phone", c."optedOutAt", (xmax = 0) AS created
), consent AS (
  -- never for an opted-out contact, never beside another marketing consent, and never again after
  -- one was revoked: an import restates old consent, it cannot outweigh a homeowner's STOP
  -- ids made here (cuid-shaped: "c" + 32 hex), not joined back from the input: a join of two CTEs
  -- without statistics was planned as a nested loop, quadratic in the batch size
  INSERT INTO "Consent" ("id", "businessId", "contactId", "scope", "basis", "wording", "grantedAt")
  SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), $2::text, up."id", 'marketing', 'import', $5::text, $3::timestamptz
  FROM up
  WHERE $4::boolean AND up."optedOutAt" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "Consent" k WHERE k."contactId" = up."id" AND k."scope" = 'marketing')
  RETURNING 1
)
SELECT (SELECT count(*) FROM up WHERE created)::int AS created,
       (SELECT count(*) FROM up WHERE NOT created AND NOT up."phone" = ANY($6::text[]))::int AS merged,
       (SELECT count(*) FROM consent)::int AS consented`;

/** Reads the CSV stream to its end; throws a 400 AppError only for a file it cannot start on (no header, no phone column). */
export async function importContacts(sql: SqlRunner, csv: Readable, o: ImportContactsOptions): Promise<ImportSummary> {
  const batchSize = o.batchSize ?? 1000;
  const summary: ImportSummary = { rows: 0, good: 0, bad: [], badCount: 0, created: 0, merged: 0, repeatedPhones: 0, consentsRecorded: 0, ignoredColumns: [] };
  const addBad = (row: number, reason: string) => {
    summary.badCount++;
    if (summary.bad.length < MAX_LISTED) summary.bad.push({ row, reason });
  };

  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    info: true,
    max_record_size: 64 * 1024,
  });
  // an unreadable stretch (an unclosed quote, an oversized line) is a bad row, and parsing goes on
  parser.on("skip", (e: Error & { lines?: number }) => addBad(e.lines ?? 0, `unreadable CSV: ${e.message.split(":")[0]}`));
  csv.on("error", (e) => parser.destroy(e));
  csv.pipe(parser);

  let header: ContactHeader | undefined;
  let batch = new Map<string, ContactRow>();
  // every phone of the file so far (some MB for 100,000 rows): a repeat in a later batch updates the
  // contact the earlier batch wrote, which is no "existing contact"
  const seen = new Set<string>();
  let repeatsOfEarlierBatches: string[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  // parsing the next batch overlaps writing this one; one write at a time keeps memory flat
  const flush = async () => {
    const rows = [...batch.values()];
    const repeats = repeatsOfEarlierBatches;
    batch = new Map();
    repeatsOfEarlierBatches = [];
    for (const r of rows) seen.add(r.phone);
    await inFlight;
    inFlight = writeBatch(sql, rows, repeats, o).then((r) => {
      summary.created += r.created;
      summary.merged += r.merged;
      summary.consentsRecorded += r.consented;
    });
    // a failed write surfaces at the next await; keep the rejection from counting as unhandled meanwhile
    inFlight.catch(() => undefined);
  };

  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      const h = readContactHeader(record);
      if (!h.ok) {
        // the caller owns the stream: a server drains it so that its answer reaches the uploader
        csv.unpipe(parser);
        throw new AppError("bad_request", h.error);
      }
      header = h.header;
      summary.ignoredColumns = h.header.ignored;
      continue;
    }
    // a spreadsheet's trailing ",,,,," lines are blank rows, not bad ones
    if (record.every((cell) => cell === "")) continue;
    summary.rows++;
    const fields: ContactFields = {};
    header.columns.forEach((column, i) => {
      if (column && record[i] !== undefined) fields[column] = record[i];
    });
    const parsed = parseContactRow(fields, o.region);
    if (!parsed.ok) {
      addBad(info.lines, parsed.reason);
      continue;
    }
    summary.good++;
    const earlier = batch.get(parsed.row.phone);
    if (earlier || seen.has(parsed.row.phone)) summary.repeatedPhones++;
    if (!earlier && seen.has(parsed.row.phone)) repeatsOfEarlierBatches.push(parsed.row.phone);
    // one phone twice in a statement is refused by ON CONFLICT DO UPDATE: merge here first
    batch.set(parsed.row.phone, earlier ? mergeContactRow(earlier, parsed.row) : parsed.row);
    if (batch.size >= batchSize) await flush();
  }
  if (!header) throw new AppError("bad_request", "the file is empty: expected a header such as name,phone,email,zip,last_job_date,tags");
  if (batch.size > 0) await flush();
  await inFlight;
  return summary;
}

async function writeBatch(
  sql: SqlRunner,
  rows: ContactRow[],
  repeats: string[],
  o: ImportContactsOptions,
): Promise<{ created: number; merged: number; consented: number }> {
  const input = rows.map((r) => ({
    id: newId(),
    phone: r.phone,
    name: r.name ?? null,
    email: r.email ?? null,
    zip: r.zip ?? null,
    lastJobDate: r.lastJobDate ?? null,
    tags: r.tags,
  }));
  const [counts] = await sql<{ created: number; merged: number; consented: number }>(UPSERT_BATCH, [
    JSON.stringify(input),
    o.businessId,
    o.now.toISOString(),
    o.marketingConsent !== undefined,
    o.marketingConsent?.wording ?? null,
    repeats,
  ]);
  return counts ?? { created: 0, merged: 0, consented: 0 };
}

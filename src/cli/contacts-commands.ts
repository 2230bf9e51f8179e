import { createReadStream, statSync } from "node:fs";
import { Transform } from "node:stream";
import { SingleBar } from "cli-progress";
import type { ImportSummary } from "../contacts/import-contacts.ts";
import { type CliOperations, ZConsentSource } from "../http/local-cli-routes.ts";
import { AppError } from "../lib/errors.ts";

export interface ImportContactsFlags {
  consent?: string | undefined;
  consentSource?: string | undefined;
}

/**
 * `contacts import SLUG FILE.csv [--consent marketing --consent-source TEXT]`: streams the file
 * (a progress bar on stderr when it is a terminal), then prints the summary and every bad row.
 */
export async function importContactsCommand(
  ops: CliOperations,
  slug: string,
  file: string,
  flags: ImportContactsFlags,
  out: (s: string) => void,
  via = "",
): Promise<void> {
  if (flags.consent !== undefined && flags.consent !== "marketing")
    throw new AppError("bad_request", `--consent: only "marketing" can be recorded by an import (got "${flags.consent}")`);
  if (flags.consent && !flags.consentSource)
    throw new AppError("bad_request", "--consent marketing needs --consent-source TEXT: the wording or place the customers agreed to marketing texts");
  if (!flags.consent && flags.consentSource) throw new AppError("bad_request", "--consent-source is only meaningful with --consent marketing");
  const consentSource = flags.consent ? ZConsentSource.safeParse(flags.consentSource) : undefined;
  if (consentSource && !consentSource.success) throw new AppError("bad_request", "--consent-source: 1 to 2000 characters");

  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error("not a file");
    size = st.size;
  } catch (e) {
    throw new AppError("bad_request", `cannot read ${file}: ${(e as Error).message}`);
  }
  // progress by bytes read: the same whether this process writes or a running server does.
  // Counted in a Transform, not a "data" listener, which would start the flow before anyone reads.
  const bar = process.stderr.isTTY
    ? new SingleBar({ stream: process.stderr, format: "importing {bar} {percentage}% | {value}/{total} KB | eta {eta}s", hideCursor: true })
    : undefined;
  bar?.start(Math.max(1, Math.ceil(size / 1024)), 0);
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      read += chunk.length;
      bar?.update(Math.ceil(read / 1024));
      done(null, chunk);
    },
  });
  const source = createReadStream(file);
  source.on("error", (e) => counter.destroy(e));
  const csv = source.pipe(counter);
  let summary: ImportSummary;
  try {
    summary = await ops.importContacts(slug, csv, consentSource?.data);
  } finally {
    bar?.stop();
  }
  for (const line of describeImport(slug, summary, via)) out(line);
}

/** The summary as lines: counts first, then each bad row with its reason. */
function describeImport(slug: string, s: ImportSummary, via = ""): string[] {
  const lines = [
    `${slug}: ${s.rows} row(s) read${via}; ${s.good} imported (${s.created} new contact(s), ${s.merged} merged into existing ones` +
      `${s.repeatedPhones ? `, ${s.repeatedPhones} repeating a phone seen earlier in the file` : ""}); ${s.badCount} bad`,
  ];
  if (s.consentsRecorded) lines.push(`marketing consent recorded for ${s.consentsRecorded} contact(s)`);
  if (s.ignoredColumns.length) lines.push(`ignored column(s): ${s.ignoredColumns.join(", ")}`);
  for (const b of s.bad) lines.push(`row ${b.row}: ${b.reason}`);
  if (s.badCount > s.bad.length) lines.push(`… and ${s.badCount - s.bad.length} more bad row(s)`);
  return lines;
}

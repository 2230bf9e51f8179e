// `campaign launch SLUG SEQUENCE [--segment EXPR] [--dry-run]`. The segment becomes SQL over the
// business's contacts; every contact it selects is either enrolled or recorded as skipped with the
// reason (no phone, opted out, no marketing consent, already in this sequence), all in one
// INSERT … SELECT, so a 100,000-contact campaign is planned in seconds. The dry run reads the same
// rows and prints who would get what and when, in their own local time, and who is skipped and why.
import { DateTime } from "luxon";
import type { TProfile } from "../config/profile-schema.ts";
import { ZProfile } from "../config/profile-schema.ts";
import type { Prisma } from "../db/open-database.ts";
import { withTransaction } from "../db/with-transaction.ts";
import type { Clock } from "../lib/clock.ts";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/new-id.ts";
import { renderTemplate } from "../lib/render-template.ts";
import { nextAllowedMoment, windowForStates } from "../messaging/policy/quiet-hours.ts";
import { resolveRecipientPlace } from "../messaging/policy/resolve-recipient-place.ts";
import { plainSpaces } from "../scheduling/format-slot.ts";
import { planStep } from "../sequences/plan-step.ts";
import { sequenceFor } from "../sequences/sequence-registry.ts";
import type { Sequence } from "../sequences/sequence-schema.ts";
import { firstNameOf, lastJobText, stepVariables } from "../sequences/step-variables.ts";
import { stepWindow } from "../sequences/step-window.ts";
import { segmentWhere } from "./segment-where.ts";

export interface LaunchInput {
  slug: string;
  sequence: string;
  segment?: string | undefined;
  dryRun: boolean;
}

export interface LaunchResult {
  campaignId: string | null;
  enrolled: number;
  skipped: Record<string, number>;
  /** the dry run's lines (who gets what and when; who is skipped and why); empty for a launch */
  lines: string[];
}

interface Candidate extends Record<string, unknown> {
  id: string;
  name: string | null;
  phone: string | null;
  zip: string | null;
  lastJobDate: Date | null;
  skip: string | null;
}

export async function launchCampaign(deps: { prisma: Prisma; clock: Clock }, i: LaunchInput): Promise<LaunchResult> {
  const business = await deps.prisma.business.findUnique({ where: { slug: i.slug } });
  if (!business) throw new AppError("not_found", `no business "${i.slug}"`);
  const profile = ZProfile.parse(business.profile);
  const seq = sequenceFor(profile, i.sequence);
  if (!seq) throw new AppError("not_found", `no sequence "${i.sequence}" for ${i.slug} (prompts/sequences/${i.sequence}.yaml missing, broken or disabled)`);
  if (seq.trigger.event !== "campaign") {
    throw new AppError("bad_request", `${i.sequence} starts on ${seq.trigger.event}, not by a campaign (its trigger.event must be campaign)`);
  }
  const now = deps.clock.now();
  const first = planStep(seq, 0, now, now, null);
  if (!first) throw new AppError("bad_request", `${i.sequence} has no step to send`);
  const where = segmentWhere(i.segment, 4, now, profile.timezone);
  const marketing = seq.purpose === "marketing";
  const skipSql = `CASE WHEN c."phone" IS NULL THEN 'no-phone'
      WHEN c."optedOutAt" IS NOT NULL THEN 'opted-out'
      WHEN $2 AND NOT EXISTS (SELECT 1 FROM "Consent" s WHERE s."contactId" = c."id" AND s."scope" = 'marketing' AND s."revokedAt" IS NULL) THEN 'no-consent'
      WHEN EXISTS (SELECT 1 FROM "Enrollment" x WHERE x."contactId" = c."id" AND x."sequenceKey" = $3 AND x."status" = 'active') THEN 'already-enrolled'
      ELSE NULL END`;
  const selectSql = `SELECT c."id", c."name", c."phone", c."zip", c."lastJobDate", ${skipSql} AS "skip"
    FROM "Contact" c WHERE c."businessId" = $1 AND (${where.sql})`;

  if (i.dryRun) {
    const rows = await deps.prisma.$queryRawUnsafe<Candidate[]>(
      `${selectSql} ORDER BY c."createdAt", c."id"`,
      business.id,
      marketing,
      seq.key,
      ...where.values,
    );
    return dryRun(rows, profile, seq, now, first.at);
  }

  const campaignId = newId();
  const counts = await withTransaction(
    deps.prisma,
    async (tx) => {
      await tx.campaign.create({
        data: { id: campaignId, businessId: business.id, sequenceKey: seq.key, segment: i.segment ?? null, status: "running", createdAt: now },
      });
      // ids derived from campaign and contact: unique, and a retried launch cannot enrol anyone twice
      return tx.$queryRawUnsafe<{ status: string; reason: string | null; n: bigint }[]>(
        `WITH picked AS (${selectSql}),
       ins AS (
         INSERT INTO "Enrollment" ("id", "businessId", "contactId", "sequenceKey", "subjectKey", "campaignId", "status", "reason", "step",
           "nextAt", "anchorAt", "context", "startedAt", "endedAt", "updatedAt")
         SELECT substr(md5($${where.next} || p."id"), 1, 25), $1, p."id", $3, $${where.next} || ':' || p."id", $${where.next},
           CASE WHEN p."skip" IS NULL THEN 'active' ELSE 'skipped' END, p."skip", $${where.next + 1},
           CASE WHEN p."skip" IS NULL THEN $${where.next + 2}::timestamp END, $${where.next + 3}::timestamp, '{}'::jsonb,
           $${where.next + 3}::timestamp, CASE WHEN p."skip" IS NOT NULL THEN $${where.next + 3}::timestamp END, $${where.next + 3}::timestamp
         FROM picked p
         ON CONFLICT DO NOTHING
         RETURNING "status", "reason"
       )
       SELECT "status", "reason", count(*) AS "n" FROM ins GROUP BY 1, 2`,
        business.id,
        marketing,
        seq.key,
        ...where.values,
        campaignId,
        first.step,
        first.at.toISOString(),
        now.toISOString(),
      );
    },
    { timeoutMs: 120_000, retries: 0 },
  );
  const skipped: Record<string, number> = {};
  let enrolled = 0;
  for (const c of counts) {
    if (c.status === "active") enrolled += Number(c.n);
    else skipped[c.reason ?? "unknown"] = (skipped[c.reason ?? "unknown"] ?? 0) + Number(c.n);
  }
  return { campaignId, enrolled, skipped, lines: [] };
}

function dryRun(rows: Candidate[], profile: TProfile, seq: Sequence, now: Date, firstAt: Date): LaunchResult {
  const step = seq.steps[0]!;
  const lines: string[] = [];
  const skipped: Record<string, number> = {};
  let enrolled = 0;
  // contacts share a handful of places: each place's moment and local wording is worked out once
  const whenByPlace = new Map<string, string>();
  const whenFor = (zip: string | null, phone: string | null): string => {
    const key = `${zip ?? ""}|${phone?.slice(0, 5) ?? ""}`;
    let when = whenByPlace.get(key);
    if (when === undefined) {
      const place = resolveRecipientPlace({ zip, phone, businessZone: profile.timezone });
      const at = nextAllowedMoment(firstAt, place.zones, stepWindow(windowForStates(place.states, profile.compliance.quietHours), step));
      when = plainSpaces(DateTime.fromJSDate(at, { zone: place.zones[0]! }).toFormat("ccc LLL d, h:mm a ZZZZ"));
      whenByPlace.set(key, when);
    }
    return when;
  };
  const shared = stepVariables({ profile, contactName: null, anchorAt: now, context: null, lastJobDate: null });
  for (const c of rows) {
    const who = `${c.phone ?? "(no phone)"}  ${c.name ?? ""}`.trim();
    if (c.skip) {
      skipped[c.skip] = (skipped[c.skip] ?? 0) + 1;
      lines.push(`skip  ${who}: ${c.skip}`);
      continue;
    }
    enrolled++;
    const text = renderTemplate(step.template, { ...shared, first_name: firstNameOf(c.name), last_job_date: lastJobText(c.lastJobDate) });
    lines.push(`send  ${who}  at ${whenFor(c.zip, c.phone)}: "${text}"`);
  }
  const why = Object.entries(skipped)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  lines.push(
    `dry run: ${enrolled} would get "${seq.name}" (${seq.steps.length} step${seq.steps.length > 1 ? "s" : ""}), ${rows.length - enrolled} skipped${why ? ` (${why})` : ""}. Nothing was written.`,
  );
  return { campaignId: null, enrolled, skipped, lines };
}

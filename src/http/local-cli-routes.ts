// What the CLI does to the database, in one place, run either by the CLI itself (no server holds the
// database) or by the server that holds the embedded PGlite, for a CLI run beside it. PGlite has a
// single session: a second process sharing it over the socket would interleave its transactions
// with the server's (and could roll them back), so the CLI sends the command here instead and the
// write happens in this process, like any other. The routes answer only on loopback, only with the
// per-run secret this process wrote to DATA_DIR/pglite-server.json (mode 0600), and only when this
// process holds the embedded database; otherwise they do not exist (404).
import type { Readable } from "node:stream";
import express, { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { Prisma } from "../db/open-database.ts";
import type { Clock } from "../lib/clock.ts";
import { applyBusinessProfile } from "../business/apply-business-profile.ts";
import { importContacts, type ImportSummary } from "../contacts/import-contacts.ts";
import { pickPhoneRegion } from "../contacts/pick-phone-region.ts";
import { parseProfile, ProfileError } from "../config/parse-profile.ts";
import { sameSecret } from "../lib/crypto.ts";
import { AppError } from "../lib/errors.ts";
import { ZSlugValue } from "../lib/schemas.ts";
import { parseBody } from "../lib/parse-body.ts";
import { launchCampaign, type LaunchResult } from "../campaigns/launch-campaign.ts";
import { summarizeCampaigns } from "../campaigns/summarize-campaigns.ts";
import { setCampaignRunning } from "../campaigns/pause-campaign.ts";
import { createAdminToken } from "../console/require-admin.ts";

export const ZApplyResult = z.object({ id: z.string(), created: z.boolean(), slug: z.string(), numbers: z.number().int() });
export const ZBusinessRow = z.object({ slug: z.string(), id: z.string(), name: z.string(), timezone: z.string(), numbers: z.array(z.string()) });
export const ZTokenResult = z.object({ token: z.string(), slug: z.string(), id: z.string() });
export type TApplyResult = z.infer<typeof ZApplyResult>;
export type TBusinessRow = z.infer<typeof ZBusinessRow>;
export type TTokenResult = z.infer<typeof ZTokenResult>;

export const ZTokenLabel = z.string().trim().min(1).max(200);
export const ZLaunchInput = z.object({
  slug: ZSlugValue,
  sequence: z.string().regex(/^[\w-]{1,80}$/, "must be a sequence name (a file under prompts/sequences)"),
  segment: z.string().max(2000).optional(),
  dryRun: z.boolean(),
});
export const ZLaunchResult = z.object({
  campaignId: z.string().nullable(),
  enrolled: z.number().int(),
  skipped: z.record(z.string(), z.number().int()),
  lines: z.array(z.string()),
});
export const ZLines = z.object({ lines: z.array(z.string()) });
const ZCampaignSwitch = z.object({ slug: ZSlugValue, id: z.string().regex(/^[a-z0-9]{20,40}$/, "must be a campaign id"), running: z.boolean() });
const ZApplyBody = z.object({ yaml: z.string().max(1_000_000) });
const ZTokenBody = z.object({ slug: ZSlugValue, label: ZTokenLabel.optional() });
/** the wording a marketing consent was given with (`contacts import --consent-source`) */
export const ZConsentSource = z.string().trim().min(1).max(2000);
const ZImportQuery = z.object({ slug: ZSlugValue, consentSource: ZConsentSource.optional() });

/** The CLI's database commands; `cliOperations` runs them here, the CLI's remote client over HTTP. */
export interface CliOperations {
  applyBusiness(yaml: string): Promise<TApplyResult>;
  listBusinesses(): Promise<TBusinessRow[]>;
  createToken(slug: string, label?: string): Promise<TTokenResult>;
  /** `consentSource` set: marketing consent is recorded for every imported contact, with that wording */
  importContacts(slug: string, csv: Readable, consentSource?: string): Promise<ImportSummary>;
  launchCampaign(input: z.infer<typeof ZLaunchInput>): Promise<LaunchResult>;
  campaignStatus(slug: string): Promise<string[]>;
  setCampaignRunning(slug: string, id: string, running: boolean): Promise<string>;
}

export function cliOperations(deps: { prisma: Prisma; clock: Clock }): CliOperations {
  return {
    async applyBusiness(yaml) {
      const profile = parseProfile(yaml);
      const { id, created } = await applyBusinessProfile(deps.prisma, profile);
      return { id, created, slug: profile.slug, numbers: profile.phoneNumbers.length };
    },
    async listBusinesses() {
      const rows = await deps.prisma.business.findMany({ orderBy: { slug: "asc" }, include: { phoneNumbers: { select: { e164: true } } } });
      return rows.map((b) => ({ slug: b.slug, id: b.id, name: b.name, timezone: b.timezone, numbers: b.phoneNumbers.map((p) => p.e164) }));
    },
    async createToken(slug, label) {
      const business = await deps.prisma.business.findUnique({ where: { slug }, select: { id: true } });
      if (!business) throw new AppError("not_found", `no business "${slug}"`);
      const { id, token } = await createAdminToken(deps.prisma, { businessId: business.id, label, now: deps.clock.now() });
      return { token, slug, id };
    },
    async importContacts(slug, csv, consentSource) {
      const business = await deps.prisma.business.findUnique({ where: { slug }, select: { id: true, phoneNumbers: { select: { e164: true } } } });
      if (!business) throw new AppError("not_found", `no business "${slug}"`);
      return importContacts((text, values) => deps.prisma.$queryRawUnsafe(text, ...values), csv, {
        businessId: business.id,
        region: pickPhoneRegion(business.phoneNumbers.map((p) => p.e164)),
        now: deps.clock.now(),
        marketingConsent: consentSource === undefined ? undefined : { wording: consentSource },
      });
    },
    launchCampaign: (input) => launchCampaign(deps, input),
    campaignStatus: (slug) => summarizeCampaigns(deps, slug),
    setCampaignRunning: (slug, id, running) => setCampaignRunning(deps, slug, id, running),
  };
}

function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

/** POST /internal/cli/business/apply, GET /internal/cli/business/list, POST /internal/cli/token/create, POST /internal/cli/contacts/import */
export function localCliRoutes(ctx: Ctx, secret: string | undefined): Router {
  const r = Router();
  if (!secret) return r;
  const ops = cliOperations(ctx);

  // the socket's own peer, not req.ip: a proxy's X-Forwarded-For has no say here
  r.use("/internal/cli", (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? "";
    const given = header.startsWith("Bearer ") ? header.slice(7) : undefined;
    if (!isLoopback(req.socket.remoteAddress) || !sameSecret(given, secret)) {
      res.status(404).json({ error: `no route ${req.method} ${req.path}` });
      return;
    }
    next();
  });
  r.use("/internal/cli", express.json({ limit: "2mb" }));

  r.post("/internal/cli/business/apply", async (req: Request, res: Response) => {
    const { yaml } = parseBody(ZApplyBody, req.body);
    let result: TApplyResult;
    try {
      result = await ops.applyBusiness(yaml);
    } catch (e) {
      if (e instanceof ProfileError) throw new AppError("bad_request", e.message);
      throw e;
    }
    ctx.directory.invalidate(); // this server routes to the new profile at once
    ctx.log.info({ slug: result.slug, created: result.created }, "local CLI: business applied");
    res.json(result);
  });

  r.get("/internal/cli/business/list", async (_req: Request, res: Response) => {
    res.json({ businesses: await ops.listBusinesses() });
  });

  r.post("/internal/cli/token/create", async (req: Request, res: Response) => {
    const { slug, label } = parseBody(ZTokenBody, req.body);
    const result = await ops.createToken(slug, label);
    ctx.log.info({ slug, tokenId: result.id }, "local CLI: admin token created");
    res.set("cache-control", "no-store").json(result);
  });

  // the CSV is the body itself (text/csv, which the JSON parser above leaves alone), read as a stream
  r.post("/internal/cli/contacts/import", async (req: Request, res: Response) => {
    const { slug, consentSource } = parseBody(ZImportQuery, req.query);
    let summary: ImportSummary;
    try {
      summary = await ops.importContacts(slug, req, consentSource);
    } catch (e) {
      // refused early (no such business, no phone column): read the rest of the upload first, or
      // the CLI sees a reset connection instead of the reason
      if (!req.readableEnded) await new Promise((done) => req.resume().once("end", done).once("error", done));
      throw e;
    }
    ctx.log.info({ slug, rows: summary.rows, created: summary.created, merged: summary.merged, bad: summary.badCount }, "local CLI: contacts imported");
    res.json(summary);
  });

  r.post("/internal/cli/campaign/launch", async (req: Request, res: Response) => {
    const input = parseBody(ZLaunchInput, req.body);
    const result = await ops.launchCampaign(input);
    ctx.log.info(
      { slug: input.slug, sequence: input.sequence, dryRun: input.dryRun, campaignId: result.campaignId, enrolled: result.enrolled },
      "local CLI: campaign",
    );
    res.json(result);
  });
  r.post("/internal/cli/campaign/status", async (req: Request, res: Response) => {
    const { slug } = parseBody(z.object({ slug: ZSlugValue }), req.body);
    res.json({ lines: await ops.campaignStatus(slug) });
  });
  r.post("/internal/cli/campaign/switch", async (req: Request, res: Response) => {
    const { slug, id, running } = parseBody(ZCampaignSwitch, req.body);
    res.json({ lines: [await ops.setCampaignRunning(slug, id, running)] });
  });
  return r;
}

// The console's Prompts (mounted under requireAdmin): the business's system prompt (the published
// version, else its file) and templates with the variables each may use; a draft checked as
// `prompts check` would, tested in a sandbox (test-prompt-draft.ts), published as a new version
// (refused while it has an error), and rolled back by publishing an older text again. Audited.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import express, { Router, type Request, type Response } from "express";
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { TEMPLATE_VARIABLES } from "../prompts/check-prompts.ts";
import { PROMPTS_DIR, resolvePromptPath } from "../agent/prompts/load-prompt.ts";
import { publishedPrompt } from "../agent/prompts/published-prompt.ts";
import { PROMPT_VARIABLES } from "../agent/prompts/render-prompt.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { AppError } from "../lib/errors.ts";
import { ZSlugParams } from "../lib/schemas.ts";
import { parseBody } from "../lib/parse-body.ts";
import { actorOf, adminCaller, visibleTo } from "./require-admin.ts";
import { checkPromptDraft } from "./check-prompt-draft.ts";
import { ZPromptDraft, ZPromptTestBody, ZReplayBody, ZRollbackBody, type TPrompts } from "./console-schemas.ts";
import { replayPromptDraft, type RunReplay } from "./replay-prompt-draft.ts";
import { recordAudit } from "./record-audit.ts";
import { testPromptDraft } from "./test-prompt-draft.ts";

/** `runReplay`: absent in a process started without it (then "Replay evals" answers 503) */
export function promptRoutes(ctx: Ctx, runReplay: RunReplay | undefined): Router {
  const r = Router();
  const json = express.json({ limit: "128kb" });

  async function businessOf(req: Request, res: Response): Promise<BusinessRef> {
    const { slug } = parseBody(ZSlugParams, req.params);
    const business = await ctx.directory.bySlug(slug);
    if (!business || !visibleTo(adminCaller(res), business.id)) throw new AppError("not_found", `no business "${slug}"`);
    return business;
  }

  async function publish(res: Response, business: BusinessRef, text: string, note: string): Promise<number> {
    const actor = actorOf(adminCaller(res));
    const version = await withTransaction(ctx.prisma, async (tx) => {
      const last = await tx.promptVersion.findFirst({ where: { businessId: business.id }, orderBy: { version: "desc" }, select: { version: true } });
      const next = (last?.version ?? 0) + 1;
      await tx.promptVersion.create({ data: { businessId: business.id, version: next, text, actor, note, createdAt: ctx.clock.now() } });
      return next;
    });
    await recordAudit(ctx.prisma, {
      businessId: business.id,
      actor,
      action: "prompt-publish",
      subjectType: "business",
      subjectId: business.id,
      detail: { version, note },
      at: ctx.clock.now(),
    });
    return version;
  }

  r.get("/api/admin/businesses/:slug/prompts", async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const current = await publishedPrompt(ctx.sql, business);
    const file = resolvePromptPath(business.profile.ai.prompt);
    const history = await ctx.prisma.promptVersion.findMany({ where: { businessId: business.id }, orderBy: { version: "desc" }, take: 100 });
    const dir = join(PROMPTS_DIR, "templates");
    const body: TPrompts = {
      published: {
        text: current.version === null ? readFileSync(file, "utf8") : current.text,
        version: current.version,
        source: current.version === null ? file : `version ${current.version}`,
      },
      history: history.map((h) => ({
        version: h.version,
        actor: h.actor,
        note: h.note,
        createdAt: h.createdAt.toISOString(),
        published: h.version === current.version,
      })),
      variables: [...PROMPT_VARIABLES],
      templates: readdirSync(dir)
        .filter((f) => f.endsWith(".txt"))
        .sort()
        .map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8"), variables: [...(TEMPLATE_VARIABLES[f] ?? ["business"])] })),
    };
    res.set("cache-control", "no-store").json(body);
  });

  r.post("/api/admin/businesses/:slug/prompts/check", json, async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const { text } = parseBody(ZPromptDraft, req.body);
    const { problems } = checkPromptDraft(text, business.profile, ctx.clock.now());
    res.json({ problems: problems.map((p) => ({ line: p.line, message: p.message, severity: p.severity })) });
  });

  r.post("/api/admin/businesses/:slug/prompts/test", json, async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const { text, message } = parseBody(ZPromptTestBody, req.body);
    const { problems, prompt } = checkPromptDraft(text, business.profile, ctx.clock.now());
    const error = problems.find((p) => p.severity === "error");
    if (!prompt || error) throw new AppError("bad_request", `the draft has a problem: line ${error?.line ?? 1}: ${error?.message ?? "cannot be read"}`);
    res.json(await testPromptDraft(ctx, business, prompt, message));
  });

  r.post("/api/admin/businesses/:slug/prompts/replay", json, async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const { text, only } = parseBody(ZReplayBody, req.body);
    const error = checkPromptDraft(text, business.profile, ctx.clock.now()).problems.find((p) => p.severity === "error");
    if (error) throw new AppError("bad_request", `the draft has a problem: line ${error.line}: ${error.message}`);
    if (!runReplay) throw new AppError("unavailable", "eval replay is not available in this process");
    res.json(await replayPromptDraft(ctx, runReplay, business, text, only));
  });

  r.post("/api/admin/businesses/:slug/prompts/publish", json, async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const { text } = parseBody(ZPromptDraft, req.body);
    const error = checkPromptDraft(text, business.profile, ctx.clock.now()).problems.find((p) => p.severity === "error");
    if (error) throw new AppError("bad_request", `not published: line ${error.line}: ${error.message}`);
    const version = await publish(res, business, text, "published");
    res.json({ ok: true, message: `published as version ${version}: the agent uses it from its next turn` });
  });

  r.post("/api/admin/businesses/:slug/prompts/rollback", json, async (req: Request, res: Response) => {
    const business = await businessOf(req, res);
    const { version } = parseBody(ZRollbackBody, req.body);
    const old = await ctx.prisma.promptVersion.findUnique({ where: { businessId_version: { businessId: business.id, version } } });
    if (!old) throw new AppError("not_found", `no version ${version}`);
    const next = await publish(res, business, old.text, `rolled back to v${version}`);
    res.json({ ok: true, message: `version ${version} is published again (as version ${next})` });
  });
  return r;
}

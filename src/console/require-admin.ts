// Admin credentials (CONTRACT.md). The token comes from `Authorization: Bearer …` or the console's
// cookie `leadline_admin` (set by POST /admin/login), never from a query string. ADMIN_TOKEN is the
// operator and sees every business; a per-business token (`npm run cli -- token create SLUG`, stored
// as its sha256 only) sees its own business, and every other business looks missing (404). With no
// ADMIN_TOKEN and no live per-business token the admin routes are off (404). No token is ever logged
// or echoed in an error.
import { randomBytes } from "node:crypto";
import express, { Router, type NextFunction, type Request, type Response } from "express";
import type { Ctx } from "../context.ts";
import { sameSecret, sha256Hex } from "../lib/crypto.ts";
import type { Prisma } from "../db/open-database.ts";

export type AdminCaller = { kind: "operator" } | { kind: "business"; businessId: string; tokenId: string; label: string | null };

declare module "express-serve-static-core" {
  interface Locals {
    /** set by requireAdmin */
    admin?: AdminCaller;
  }
}

type AdminDeps = Pick<Ctx, "env" | "prisma" | "clock" | "log">;

export const ADMIN_COOKIE = "leadline_admin";
/** lastUsedAt is written at most this often per token */
const LAST_USED_EVERY_MS = 60_000;
/** longer than any token we issue or accept as ADMIN_TOKEN: not worth a hash or a query */
const MAX_TOKEN_LENGTH = 512;

/** Issues a per-business token: returns it once, stores only its sha256. */
export async function createAdminToken(prisma: Prisma, o: { businessId: string; label?: string; now: Date }): Promise<{ id: string; token: string }> {
  const token = randomBytes(32).toString("base64url");
  const row = await prisma.adminToken.create({
    data: { businessId: o.businessId, tokenHash: sha256Hex(token), label: o.label ?? null, createdAt: o.now },
    select: { id: true },
  });
  return { id: row.id, token };
}

/** The caller a token stands for; undefined when it is wrong or revoked. */
export async function resolveAdminToken(deps: AdminDeps, token: string): Promise<AdminCaller | undefined> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
  if (deps.env.ADMIN_TOKEN && sameSecret(token, deps.env.ADMIN_TOKEN)) return { kind: "operator" };
  const row = await deps.prisma.adminToken.findUnique({
    where: { tokenHash: sha256Hex(token) },
    select: { id: true, businessId: true, label: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row || row.revokedAt) return undefined;
  const now = deps.clock.now();
  const stale = new Date(now.getTime() - LAST_USED_EVERY_MS);
  if (!row.lastUsedAt || row.lastUsedAt < stale) {
    // conditional, so concurrent requests write it once
    await deps.prisma.adminToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] },
      data: { lastUsedAt: now },
    });
  }
  return { kind: "business", businessId: row.businessId, tokenId: row.id, label: row.label };
}

/** Admin routes are on when there is an operator token or at least one live per-business token. */
export async function adminEnabled(deps: AdminDeps): Promise<boolean> {
  if (deps.env.ADMIN_TOKEN) return true;
  return (await deps.prisma.adminToken.findFirst({ where: { revokedAt: null }, select: { id: true } })) !== null;
}

function sendOff(res: Response): void {
  res.status(404).json({ error: "admin routes are off (set ADMIN_TOKEN or create a token with `npm run cli -- token create SLUG`)" });
}

/**
 * The presented token: undefined when none, null when the credentials are malformed (a header
 * that is not `Bearer <token>`, a cookie that is not valid percent-encoding).
 */
function presentedToken(req: Request): string | null | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) return /^Bearer +([^\s]+) *$/i.exec(header)?.[1] ?? null;
  const raw = cookieValue(req.headers.cookie, ADMIN_COOKIE);
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The caller a request's credentials stand for (header or cookie); undefined when none or wrong. */
export async function callerOf(deps: AdminDeps, req: Request): Promise<AdminCaller | undefined> {
  const token = presentedToken(req);
  return token ? resolveAdminToken(deps, token) : undefined;
}

/** The console cookie's attributes: HttpOnly, SameSite=Strict, Secure when served over https. */
export function adminCookieOptions(env: AdminDeps["env"]) {
  return { httpOnly: true, sameSite: "strict" as const, secure: env.PUBLIC_BASE_URL.startsWith("https:"), path: "/" };
}

/**
 * Resolves the caller into `res.locals.admin`. `operatorOnly` (the queue board): a business token
 * gets 403. Routes then scope with `visibleTo`.
 */
export function requireAdmin(deps: AdminDeps, opts: { operatorOnly?: boolean } = {}) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = presentedToken(req);
    const caller = token ? await resolveAdminToken(deps, token) : undefined;
    if (caller) {
      if (opts.operatorOnly && caller.kind !== "operator") {
        res.status(403).json({ error: "this page needs the operator token (ADMIN_TOKEN)" });
        return;
      }
      res.locals.admin = caller;
      next();
      return;
    }
    if (!(await adminEnabled(deps))) {
      sendOff(res);
      return;
    }
    res.status(401).json({ error: token === null ? "malformed admin credentials" : "missing or wrong admin token" });
  };
}

/** The caller requireAdmin resolved (a route mounted without it is a bug). */
export function adminCaller(res: Response): AdminCaller {
  const caller = res.locals.admin;
  if (!caller) throw new Error("admin route without requireAdmin");
  return caller;
}

/** Whether the caller may see this business's data; when not, the route answers as if it did not exist. */
/** Who a write is recorded as (the audit trail): never the token itself. */
export function actorOf(caller: AdminCaller): string {
  if (caller.kind === "operator") return "operator";
  return caller.label ? `token:${caller.tokenId} (${caller.label})` : `token:${caller.tokenId}`;
}

export function visibleTo(caller: AdminCaller, businessId: string): boolean {
  return caller.kind === "operator" || caller.businessId === businessId;
}

function loginPage(message?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leadline admin</title>
<style>body{font:16px system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}input,button{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;margin:.3rem 0}p.error{color:#b00020}</style>
</head><body>
<h1>Leadline admin</h1>
${message ? `<p class="error">${message}</p>\n` : ""}<form method="post" action="/admin/login">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
</body></html>
`;
}

/**
 * GET /admin/login (a form), POST /admin/login (urlencoded `token`: sets the HttpOnly cookie and
 * redirects: the operator to the queue board, a business token to its conversations), POST /admin/logout.
 */
export function adminLoginRoutes(deps: AdminDeps): Router {
  const r = Router();
  const cookie = adminCookieOptions(deps.env);
  const html = (res: Response, status: number, message?: string) => {
    res.status(status).set("cache-control", "no-store").type("html").send(loginPage(message));
  };

  r.get("/admin/login", async (_req: Request, res: Response) => {
    if (!(await adminEnabled(deps))) return sendOff(res);
    html(res, 200);
  });

  r.post("/admin/login", express.urlencoded({ extended: false, limit: "4kb", parameterLimit: 10 }), async (req: Request, res: Response) => {
    if (!(await adminEnabled(deps))) return sendOff(res);
    const body = req.body as Record<string, unknown> | undefined;
    const token = typeof body?.token === "string" ? body.token.trim() : "";
    const caller = token ? await resolveAdminToken(deps, token) : undefined;
    if (!caller) return html(res, 401, "That token was not accepted.");
    let to = "/admin/queues";
    if (caller.kind === "business") {
      const b = await deps.prisma.business.findUnique({ where: { id: caller.businessId }, select: { slug: true } });
      to = b ? `/api/admin/businesses/${b.slug}/conversations` : "/admin/login";
    }
    res.cookie(ADMIN_COOKIE, token, cookie).set("cache-control", "no-store").redirect(303, to);
  });

  r.post("/admin/logout", (_req: Request, res: Response) => {
    res.clearCookie(ADMIN_COOKIE, cookie).redirect(303, "/admin/login");
  });
  return r;
}

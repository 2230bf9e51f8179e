// GET /console and /console/* (CONTRACT.md "Owner console"): the sign-in page until the browser
// holds the admin cookie, then the client app (built by Vite into CONSOLE_BUILD_DIR). Sign-in
// takes the token from a form body, never a URL, and keeps it only in the HttpOnly cookie. A
// conversation of another business answers 404 and the app shows its not-found page: nothing of
// that conversation is sent.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import express, { Router, type Request, type Response } from "express";
import type { Ctx } from "../context.ts";
import { ADMIN_COOKIE, adminCookieOptions, adminEnabled, callerOf, resolveAdminToken, visibleTo } from "./require-admin.ts";
import { ZRowId } from "../lib/schemas.ts";
import { CONSOLE_BUILD_DIR } from "./console-build-paths.ts";
import { ZSignInBody, type TMe } from "./console-schemas.ts";
import { escapeHtml } from "../lib/escape-html.ts";
import { signInPage } from "./sign-in-page.ts";

// MMS pictures come from the provider's media host; the rest is this origin only
const CSP = [
  "default-src 'self'",
  "img-src 'self' data: https:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
].join("; ");

export function consoleRoutes(ctx: Ctx, dir = CONSOLE_BUILD_DIR): Router {
  const r = Router();
  const cookie = adminCookieOptions(ctx.env);
  let indexHtml: string | undefined;
  const appHtml = (): string | undefined => {
    if (indexHtml === undefined && existsSync(join(dir, "index.html"))) indexHtml = readFileSync(join(dir, "index.html"), "utf8");
    return indexHtml;
  };
  const page = (res: Response, status: number, html: string) => {
    res.status(status).set({ "cache-control": "no-store", "content-security-policy": CSP }).type("html").send(html);
  };

  r.use("/console/assets", express.static(join(dir, "assets"), { index: false, immutable: true, maxAge: "365d", fallthrough: false }));

  r.post("/console/sign-in", express.urlencoded({ extended: false, limit: "4kb", parameterLimit: 10 }), async (req: Request, res: Response) => {
    const parsed = ZSignInBody.safeParse(req.body ?? {});
    if (!parsed.success) return page(res, 400, signInPage(parsed.error.issues[0]?.message ?? "enter an admin token"));
    const caller = await resolveAdminToken(ctx, parsed.data.token);
    if (!caller) {
      const off = !(await adminEnabled(ctx));
      return page(
        res,
        401,
        signInPage(off ? "The console is off: set ADMIN_TOKEN or create a token with `npm run cli -- token create SLUG`." : "That token was not accepted."),
      );
    }
    res.cookie(ADMIN_COOKIE, parsed.data.token, cookie).set("cache-control", "no-store").redirect(303, "/console");
  });

  r.post("/console/sign-out", (_req: Request, res: Response) => {
    res.clearCookie(ADMIN_COOKIE, cookie).set("cache-control", "no-store").redirect(303, "/console");
  });

  r.get(["/console", "/console/{*rest}"], async (req: Request, res: Response) => {
    const caller = await callerOf(ctx, req);
    if (!caller) return page(res, 200, signInPage());
    const html = appHtml();
    if (!html) return page(res, 503, signInPage("The console has not been built yet: run `npm install` (or restart) and reload."));
    // who is signed in rides in the page, so the first screen needs no extra round trip
    const me: TMe = {
      kind: caller.kind,
      businesses: await ctx.prisma.business.findMany({
        where: caller.kind === "operator" ? {} : { id: caller.businessId },
        select: { slug: true, name: true },
        orderBy: { name: "asc" },
      }),
    };
    const withMe = html.replace('<div id="app"></div>', `<div id="app" data-me="${escapeHtml(JSON.stringify(me))}"></div>`);
    const conv = /^\/console\/conversations\/([^/]+)\/?$/.exec(req.path);
    if (conv) {
      const id = ZRowId.safeParse(conv[1]);
      const row = id.success ? await ctx.prisma.conversation.findUnique({ where: { id: id.data }, select: { businessId: true } }) : null;
      if (!row || !visibleTo(caller, row.businessId)) return page(res, 404, withMe);
    }
    page(res, 200, withMe);
  });
  return r;
}

import type { NextFunction, Request, Response } from "express";
import { sameSecret as same } from "../lib/crypto.ts";

/**
 * Bearer ADMIN_TOKEN. Browsers (the queue board) may instead open `?token=…` once, which sets an
 * HttpOnly cookie for the rest of the session. No ADMIN_TOKEN configured ⇒ admin routes are off (404).
 */
export function requireAdmin(adminToken: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!adminToken) {
      res.status(404).json({ error: "admin routes are off (set ADMIN_TOKEN)" });
      return;
    }
    const header = req.header("authorization") ?? "";
    const bearer = header.startsWith("Bearer ") ? header.slice(7) : undefined;
    const cookie = /(?:^|;\s*)leadline_admin=([^;]+)/.exec(req.header("cookie") ?? "")?.[1];
    const query = typeof req.query.token === "string" ? req.query.token : undefined;
    if (query && same(query, adminToken)) {
      res.cookie("leadline_admin", query, { httpOnly: true, sameSite: "strict", path: "/admin" });
      next();
      return;
    }
    if ((bearer && same(bearer, adminToken)) || (cookie && same(decodeURIComponent(cookie), adminToken))) {
      next();
      return;
    }
    res.status(401).json({ error: "missing or wrong admin token" });
  };
}

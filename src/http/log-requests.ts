// Request ids and access logs. Hand-rolled rather than pino-http: on the webhook hot path pino-http
// cost a quarter of our throughput (a child logger and serializers per request); this logs
// failures always and successes only at debug, with the same pino logger. It logs method, URL,
// status and time, never headers or bodies; credential-like query values are redacted from the URL
// (no route takes a credential from a query string except the chat stream's session token, and a
// client may add one anyway).
import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "../lib/logger.ts";

declare module "express-serve-static-core" {
  interface Request {
    id: string;
  }
}

export function logRequests(log: Logger) {
  const debug = log.isLevelEnabled("debug");
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers["x-request-id"];
    req.id = typeof header === "string" && header.length > 0 && header.length <= 128 ? header : randomUUID();
    res.setHeader("x-request-id", req.id);
    const started = performance.now();
    res.on("finish", () => {
      const status = res.statusCode;
      if (status < 400 && !debug) return;
      const entry = { reqId: req.id, method: req.method, url: redactUrl(req.originalUrl), status, ms: Math.round(performance.now() - started) };
      if (status >= 500) log.error(entry, "request failed");
      else if (status >= 400) log.warn(entry, "request refused");
      else log.debug(entry, "request");
    });
    next();
  };
}

const SECRET_NAME = /token|secret|password|passwd|key|signature|auth|code/i;

/** The URL with the values of credential-like query parameters (by decoded name) replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const hash = url.indexOf("#", q);
  const query = url.slice(q + 1, hash === -1 ? undefined : hash);
  const redacted = query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq === -1) return pair.length >= 16 ? "[redacted]" : pair; // a bare value long enough to be a secret
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        // undecodable name: judge it as written
      }
      return SECRET_NAME.test(name) ? `${pair.slice(0, eq)}=[redacted]` : pair;
    })
    .join("&");
  return `${url.slice(0, q)}?${redacted}`;
}

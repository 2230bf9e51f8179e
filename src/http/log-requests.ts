// Request ids and access logs. Hand-rolled rather than pino-http: on the webhook hot path pino-http
// cost a quarter of our throughput (a child logger and serializers per request); this logs
// failures always and successes only at debug, with the same pino logger.
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
      const entry = { reqId: req.id, method: req.method, url: req.originalUrl, status, ms: Math.round(performance.now() - started) };
      if (status >= 500) log.error(entry, "request failed");
      else if (status >= 400) log.warn(entry, "request refused");
      else log.debug(entry, "request");
    });
    next();
  };
}

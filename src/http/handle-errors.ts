import type { NextFunction, Request, Response } from "express";
import type { Logger } from "../lib/logger.ts";
import { AppError } from "../lib/errors.ts";
import { redactUrl } from "./log-requests.ts";

/** Last middleware: a clear one-line 4xx for bad input, a bare 500 (logged, no stack) for bugs. */
export function handleErrors(log: Logger) {
  // express recognises error handlers by their four parameters
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e.status ?? e.statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      // body-parser: entity.parse.failed, entity.too.large, encoding.unsupported, …
      const reason = e.type === "entity.parse.failed" ? "malformed body" : e.type === "entity.too.large" ? "body too large" : (e.message ?? "bad request");
      res.status(status).json({ error: reason });
      return;
    }
    log.error({ err, reqId: req.id, url: redactUrl(req.originalUrl) }, "unhandled error");
    if (!res.headersSent) res.status(500).json({ error: "internal error" });
  };
}

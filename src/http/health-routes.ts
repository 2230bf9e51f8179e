import { Router } from "express";
import type { Ctx } from "../context.ts";
import { sameSecret } from "../lib/crypto.ts";
import { AppError } from "../lib/errors.ts";
import { withTimeout } from "../lib/with-timeout.ts";

export function healthRoutes(ctx: Ctx, pingDatabase: () => Promise<void>): Router {
  const r = Router();
  r.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  r.get("/readyz", async (_req, res) => {
    const [db, redis] = await Promise.allSettled([withTimeout(pingDatabase(), 2000, "postgres"), withTimeout(ctx.queues.ping(), 2000, "redis")]);
    const body = { postgres: db.status === "fulfilled" ? "ok" : "down", redis: redis.status === "fulfilled" ? "ok" : "down" };
    res.status(db.status === "fulfilled" && redis.status === "fulfilled" ? 200 : 503).json(body);
  });
  r.get("/metrics", async (req, res) => {
    // METRICS_TOKEN set: Prometheus sends it as a bearer token (compared in constant time)
    const token = ctx.env.METRICS_TOKEN;
    if (token !== undefined && !sameSecret(/^Bearer +(\S+) *$/i.exec(req.header("authorization") ?? "")?.[1], token)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
      throw new AppError("unauthorized", "missing or wrong bearer token for /metrics");
    }
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  return r;
}

import { randomUUID } from "node:crypto";
import express, { type Express } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Ctx } from "../context.ts";
import { messagingRoutes } from "../channels/twilio/messaging-routes.ts";
import { voiceRoutes } from "../channels/twilio/voice-routes.ts";
import { adminRoutes } from "./admin-routes.ts";
import { handleErrors } from "./handle-errors.ts";
import { healthRoutes } from "./health-routes.ts";
import { requireAdmin } from "./require-admin.ts";

export function createApp(ctx: Ctx, pingDatabase: () => Promise<void>): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  app.use(
    pinoHttp({
      logger: ctx.log,
      genReqId: (req, res) => {
        const id = (req.headers["x-request-id"] as string | undefined) ?? randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/metrics" },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "debug"),
    }),
  );
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(healthRoutes(ctx, pingDatabase));
  app.use(voiceRoutes(ctx));
  app.use(messagingRoutes(ctx));
  app.use(adminRoutes(ctx));

  const board = new ExpressAdapter();
  board.setBasePath("/admin/queues");
  createBullBoard({
    queues: [ctx.queues.inbound, ctx.queues.outbound, ctx.queues.maintenance].map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
  });
  app.use("/admin/queues", requireAdmin(ctx.env.ADMIN_TOKEN), board.getRouter());

  app.use((req, res) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path}` });
  });
  app.use(handleErrors(ctx.log));
  return app;
}

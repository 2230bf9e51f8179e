import express, { type Express } from "express";
import helmet from "helmet";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Ctx } from "../context.ts";
import { messagingRoutes } from "../channels/twilio/messaging-routes.ts";
import { voiceRoutes } from "../channels/twilio/voice-routes.ts";
import { relayEndRoute } from "../voice/relay-end-route.ts";
import { chatRoutes } from "../channels/webchat/chat-routes.ts";
import { formRoutes } from "../channels/forms/form-routes.ts";
import { workEventRoutes } from "../channels/work-events/work-event-routes.ts";
import { metaRoutes } from "../channels/meta/meta-routes.ts";
import { widgetRoute } from "../channels/webchat/widget-route.ts";
import { adminRoutes } from "./admin-routes.ts";
import { reviewLinkRoutes } from "./review-link-routes.ts";
import { handleErrors } from "./handle-errors.ts";
import { logRequests } from "./log-requests.ts";
import { healthRoutes } from "./health-routes.ts";
import { requireAdmin } from "../console/require-admin.ts";
import { localCliRoutes } from "./local-cli-routes.ts";
import { createSlackReceiver } from "../slack/create-slack-receiver.ts";
import { consoleRoutes } from "../console/console-routes.ts";
import type { RunReplay } from "../console/replay-prompt-draft.ts";

export interface AppDeps {
  pingDatabase: () => Promise<void>;
  /** this process holds the embedded database and serves the CLI run beside it */
  localCliSecret?: string | undefined;
  /** the console's "Replay evals" (replay/run-replay.ts, which boots an app of its own, so it is handed in) */
  runReplay?: RunReplay | undefined;
}

export function createApp(ctx: Ctx, deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // hashing every webhook reply buys nothing
  app.set("trust proxy", ctx.env.TRUST_PROXY); // TRUST_PROXY: only the proxies in front of us may name the client IP (per-IP limits)
  app.use(logRequests(ctx.log));
  // Provider webhooks first: machines read them, so browser security headers would only cost time.
  // Bolt reads the raw body itself (the signature covers it): no body parser may run before it
  const slack = createSlackReceiver(ctx);
  if (slack) app.use(slack.router);
  app.use(voiceRoutes(ctx));
  app.use(relayEndRoute(ctx));
  app.use(messagingRoutes(ctx));
  app.use(formRoutes(ctx));
  app.use(workEventRoutes(ctx));
  app.use(metaRoutes(ctx));
  app.use(chatRoutes(ctx));
  app.use(widgetRoute());
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(healthRoutes(ctx, deps.pingDatabase));
  app.use(reviewLinkRoutes(ctx));
  app.use(consoleRoutes(ctx));
  app.use(adminRoutes(ctx, deps.runReplay));
  app.use(localCliRoutes(ctx, deps.localCliSecret));

  const board = new ExpressAdapter();
  board.setBasePath("/admin/queues");
  createBullBoard({
    queues: ctx.queues.all.map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
  });
  app.use("/admin/queues", requireAdmin(ctx, { operatorOnly: true }), board.getRouter());

  app.use((req, res) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path}` });
  });
  app.use(handleErrors(ctx.log));
  return app;
}

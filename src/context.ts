// Everything a service needs, handed in (tests build one with real databases and fakes at the edges).
import type { BusinessDirectory } from "./business/business-directory.ts";
import type { TEnv } from "./config/env.ts";
import type { Prisma, SqlRunner } from "./db/open-database.ts";
import type { Queues } from "./jobs/queues.ts";
import type { Logger } from "./lib/logger.ts";
import type { Metrics } from "./metrics/create-metrics.ts";
import type { SmsProvider } from "./messaging/providers/sms-provider.ts";
import type { Templates } from "./agent/load-templates.ts";
import type { PerNumberLimiter } from "./messaging/per-number-limiter.ts";
import type { ChatHub } from "./channels/webchat/chat-hub.ts";

export interface Ctx {
  env: TEnv;
  prisma: Prisma;
  /** raw SQL for the hottest paths only (see Database.sql) */
  sql: SqlRunner;
  queues: Queues;
  directory: BusinessDirectory;
  provider: SmsProvider;
  templates: Templates;
  metrics: Metrics;
  log: Logger;
  /** the webhook signing token in force (TWILIO_AUTH_TOKEN or the documented dev token) */
  twilioToken: string;
  limiter: PerNumberLimiter;
  chat: ChatHub;
  now: () => Date;
}

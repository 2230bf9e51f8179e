// Everything a service needs, handed in (tests build one with real databases and fakes at the edges).
import type { BusinessDirectory } from "./business/business-directory.ts";
import type { TEnv } from "./config/env.ts";
import type { Prisma, SqlBatch, SqlRunner, SqlTransaction } from "./db/open-database.ts";
import type { EventDispatcher } from "./events/create-event-dispatcher.ts";
import type { Queues } from "./jobs/queues.ts";
import type { Clock } from "./lib/clock.ts";
import type { Logger } from "./lib/logger.ts";
import type { UrgentGate } from "./lib/urgent-gate.ts";
import type { Metrics } from "./metrics/create-metrics.ts";
import type { SmsProvider } from "./messaging/providers/sms-provider.ts";
import type { Templates } from "./agent/load-templates.ts";
import type { PerNumberLimiter } from "./messaging/per-number-limiter.ts";
import type { ChatHub } from "./channels/webchat/chat-hub.ts";
import type { InboundJournal } from "./inbox/inbound-journal.ts";
import type { LlmProvider } from "./agent/llm/llm-provider.ts";
import type { SlackApi } from "./slack/slack-api.ts";

export interface Ctx {
  env: TEnv;
  prisma: Prisma;
  /** raw SQL for the hottest paths only (see Database.sql) */
  sql: SqlRunner;
  /** a transaction of raw SQL, for the same hot paths (run it through withSqlTransaction) */
  sqlTx: SqlTransaction;
  /** a few raw statements as one transaction in one round trip (the one door in) */
  sqlBatch: SqlBatch;
  queues: Queues;
  directory: BusinessDirectory;
  provider: SmsProvider;
  templates: Templates;
  metrics: Metrics;
  log: Logger;
  /** the webhook signing token in force (TWILIO_AUTH_TOKEN or the documented dev token) */
  twilioToken: string;
  limiter: PerNumberLimiter;
  /** the one clock: the only source of business time */
  clock: Clock;
  /** urgent work (text-back, first text) running in this process: other work waits a moment for it */
  gate: UrgentGate;
  /** the domain-event stream (outbox → in-process subscribers) */
  events: EventDispatcher;
  /** live web chat streams held by this process (a subscriber of the event stream) */
  chat: ChatHub;
  /** webhooks Postgres could not take in time, kept on local disk until it can */
  journal: InboundJournal;
  /** the AI model (undefined: no OPENAI_API_KEY, template mode) */
  llm: LlmProvider | undefined;
  /** the Slack Web API (undefined: no SLACK_BOT_TOKEN, Slack off) */
  slack?: SlackApi | undefined;
}

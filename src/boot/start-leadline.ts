// Boot by role: web (HTTP), worker (queues), or all. Returns a handle that closes in order:
// HTTP → workers → queues → database.
import { createUrgentGate } from "../lib/urgent-gate.ts";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TEnv } from "../config/env.ts";
import type { Ctx } from "../context.ts";
import { createBusinessDirectory } from "../business/business-directory.ts";
import { loadTemplates } from "../agent/load-templates.ts";
import { openDatabase, resolveDataDir, type Database } from "../db/open-database.ts";
import { createApp } from "../http/create-app.ts";
import type { RunReplay } from "../console/replay-prompt-draft.ts";
import { createQueues } from "../jobs/queues.ts";
import { startWorkers, type Workers } from "./start-workers.ts";
import { createLogger, type Logger } from "../lib/logger.ts";
import { createMetrics } from "../metrics/create-metrics.ts";
import { createPerNumberLimiter } from "../messaging/per-number-limiter.ts";
import { join } from "node:path";
import { startAgent } from "../agent/start-agent.ts";
import { startSequences } from "../sequences/start-sequences.ts";
import { checkPromptsAtStart } from "../prompts/check-prompts-at-start.ts";
import { ZProfile } from "../config/profile-schema.ts";
import { createOpenAiProvider } from "../agent/llm/create-openai-provider.ts";
import type { LlmProvider } from "../agent/llm/llm-provider.ts";
import { createChatHub } from "../channels/webchat/chat-hub.ts";
import { createInboundJournal } from "../inbox/inbound-journal.ts";
import { replayInboundJournal } from "../inbox/record-inbound-event.ts";
import { createEventDispatcher, type EventDispatcher } from "../events/create-event-dispatcher.ts";
import { startSweeper, type Sweeper } from "./start-sweeper.ts";
import { systemClock, type Clock } from "../lib/clock.ts";
import { createConsoleProvider } from "../messaging/providers/console-provider.ts";
import type { SmsProvider } from "../messaging/providers/sms-provider.ts";
import { createTwilioProvider } from "../messaging/providers/twilio-provider.ts";
import { createSlackApi } from "../slack/slack-api.ts";
import { startSlack } from "../slack/start-slack.ts";
import { attachRelayServer } from "../voice/attach-relay-server.ts";

/** Signs and checks Twilio webhooks when no TWILIO_AUTH_TOKEN is set (local trials only). */
export const DEV_TWILIO_TOKEN = "leadline-dev-token";

export interface Leadline {
  ctx: Ctx;
  db: Database;
  /** http://127.0.0.1:port when the web role runs */
  url: string | undefined;
  /** one sweep now (worker role): due scheduled messages, lost jobs, stuck sends */
  sweep: Sweeper["sweep"];
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  clock?: Clock;
  provider?: SmsProvider;
  sweepEveryMs?: number;
  directoryTtlMs?: number;
  retryBaseMs?: number;
  /** the AI model (tests script one at the HTTP boundary); default: from OPENAI_API_KEY, else template mode */
  llm?: LlmProvider;
  /** how often journaled webhooks are retried into Postgres */
  journalReplayMs?: number;
  /** BullMQ lock/stall settings (tests recover stalled jobs quickly) */
  lockDurationMs?: number;
  /** neither HTTP nor workers, whatever ROLE says: a Ctx for a command that drives the agent itself (agent chat, agent replay) */
  headless?: boolean;
  /** how long a voice-call tool may run before a filler line is said (default 700 ms) */
  voiceFillerAfterMs?: number;
  /** the longest AI-answered call (default: the profile's voice.maxCallMinutes; tests shorten it) */
  voiceMaxCallMs?: number;
  /** the console's "Replay evals": the entry point hands in replay/run-replay.ts (it boots an app of its own) */
  runReplay?: RunReplay;
}

export async function startLeadline(env: TEnv, opts: StartOptions = {}): Promise<Leadline> {
  const log = opts.log ?? createLogger(env.LOG_LEVEL);
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, serve: !opts.headless });
  if (db.kind === "pglite")
    log.info({ dataDir: env.DATA_DIR }, "no DATABASE_URL: using embedded PGlite (the CLI sends its commands to this server while it runs)");
  if (env.MIGRATE_ON_START) {
    const applied = await db.migrate();
    if (applied.length) log.info({ applied }, "migrations applied");
  }
  const queues = createQueues(env.REDIS_URL, env.QUEUE_PREFIX, { retryBaseMs: opts.retryBaseMs });
  const provider =
    opts.provider ??
    (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN
      ? createTwilioProvider({ accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, baseUrl: env.TWILIO_API_BASE_URL })
      : createConsoleProvider(log, { showBodies: !env.PRODUCTION }));
  if (provider.name === "console") log.info("no Twilio credentials: texts go to the console provider (logged here, marked sent)");
  if (!env.TWILIO_AUTH_TOKEN)
    log.warn(`no TWILIO_AUTH_TOKEN: webhooks are checked against the development token "${DEV_TWILIO_TOKEN}"; set the real one before pointing Twilio here`);

  const clock = opts.clock ?? systemClock;
  const gate = createUrgentGate();
  const events: EventDispatcher = createEventDispatcher({ sql: db.sql, log, gate, ...(db.listen ? { listen: db.listen } : {}) });
  const metrics = createMetrics();
  const ctx: Ctx = {
    env,
    prisma: db.prisma,
    sql: db.sql,
    sqlTx: db.sqlTransaction,
    sqlBatch: db.sqlBatch,
    queues,
    directory: createBusinessDirectory(db.prisma, { ttlMs: opts.directoryTtlMs, log }),
    provider,
    templates: loadTemplates(),
    metrics,
    log,
    twilioToken: env.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_TOKEN,
    gate,
    limiter: createPerNumberLimiter(queues.redis, env.QUEUE_PREFIX),
    clock,
    events,
    chat: createChatHub({ prisma: db.prisma, events }),
    journal: createInboundJournal(join(resolveDataDir(env.DATA_DIR), "journal"), log),
    llm:
      opts.llm ??
      (env.OPENAI_API_KEY
        ? createOpenAiProvider({ apiKey: env.OPENAI_API_KEY, ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}), metrics })
        : undefined),
    slack: env.SLACK_BOT_TOKEN ? createSlackApi({ token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL }) : undefined,
  };

  await ctx.directory.watch(events);
  if (env.ROLE !== "web") await checkPromptsOnBoot(ctx);

  let server: Server | undefined;
  let relay: { close(): Promise<void> } | undefined;
  let url: string | undefined;
  let replayTimer: NodeJS.Timeout | undefined;
  if (env.ROLE !== "worker" && !opts.headless) {
    // webhooks journaled while Postgres was away go in as soon as it answers
    const replay = () => void replayInboundJournal(ctx).catch((e: Error) => log.warn({ err: e.message }, "journal replay waits for Postgres"));
    replay();
    replayTimer = setInterval(replay, opts.journalReplayMs ?? 2000);
    replayTimer.unref();
    await ctx.chat.start();
    const app = createApp(ctx, { pingDatabase: () => db.ping(), localCliSecret: db.localCli?.secret, runReplay: opts.runReplay });
    server = await new Promise<Server>((ok) => {
      const s = app.listen(env.PORT, () => ok(s));
    });
    // the AI voice agent's WebSocket shares the port (Twilio ConversationRelay)
    relay = attachRelayServer(ctx, server, {
      ...(opts.voiceFillerAfterMs === undefined ? {} : { fillerAfterMs: opts.voiceFillerAfterMs }),
      ...(opts.voiceMaxCallMs === undefined ? {} : { maxCallMs: opts.voiceMaxCallMs }),
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    db.localCli?.announce(url);
    log.info({ port: (server.address() as AddressInfo).port, publicBaseUrl: env.PUBLIC_BASE_URL }, "web listening");
  }
  let workers: Workers | undefined;
  let stopAgent: (() => Promise<void>) | undefined;
  let stopSlack: (() => Promise<void>) | undefined;
  let stopSequences: (() => Promise<void>) | undefined;
  let sweeper: Sweeper | undefined;
  if (env.ROLE !== "web" && !opts.headless) {
    workers = await startWorkers(ctx, { lockDurationMs: opts.lockDurationMs });
    sweeper = startSweeper(ctx, opts.sweepEveryMs ?? env.SWEEP_INTERVAL_MS);
    stopAgent = await startAgent(ctx);
    stopSequences = await startSequences(ctx);
    stopSlack = await startSlack(ctx);
    log.info("workers running");
  }

  return {
    ctx,
    db,
    url,
    sweep: () => {
      if (!sweeper) throw new Error("sweep: this process has no worker role");
      return sweeper.sweep();
    },
    async close() {
      await relay?.close();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((ok) => server!.close(() => ok()));
      }
      clearInterval(replayTimer);
      sweeper?.stop();
      await stopAgent?.();
      await stopSequences?.();
      await stopSlack?.();
      await workers?.close();
      await ctx.chat.close();
      await ctx.directory.close();
      await events.close();
      await queues.close();
      await db.close();
    },
  };
}

/** The prompts, checked against every business's profile and logged (never fatal). */
async function checkPromptsOnBoot(ctx: Ctx): Promise<void> {
  try {
    const rows = await ctx.prisma.business.findMany({ select: { profile: true } });
    checkPromptsAtStart(
      rows.flatMap((r) => ZProfile.safeParse(r.profile).data ?? []),
      ctx.log,
    );
  } catch (e) {
    ctx.log.warn({ err: (e as Error).message }, "prompts not checked at start");
  }
}

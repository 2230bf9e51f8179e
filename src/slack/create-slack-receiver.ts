// POST /slack/events: Bolt checks the signature and its 5-minute window (401 otherwise) and acks
// within Slack's 3 s. Nothing is done here but recording: each event is stored once in
// InboundEvent (provider "slack", externalId = the event_id, or the interaction's trigger_id, so a
// retry with X-Slack-Retry-Num finds the first row) and processed by the `process-inbound` job.
// Read-only slash commands (today's leads, find) are answered in the ack itself.
import { App, ExpressReceiver, LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { recordInboundEventOrJournal } from "../inbox/record-inbound-event.ts";
import type { Logger } from "../lib/logger.ts";
import { withTimeout } from "../lib/with-timeout.ts";
import { answerSlashQuery } from "./answer-slash-query.ts";
import { classifySlackMessage } from "./classify-slack-message.ts";
import { parseSlashCommand } from "./parse-slash-command.ts";
import { ZCardClick, ZSlashCommandBody, ZStoredSlackMessage } from "./slack-payloads.ts";
import { slackApiUrl } from "./slack-api.ts";

/** undefined (and /slack/events answers 404) unless SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are both set */
export function createSlackReceiver(ctx: Ctx): ExpressReceiver | undefined {
  const token = ctx.env.SLACK_BOT_TOKEN;
  const signingSecret = ctx.env.SLACK_SIGNING_SECRET;
  if (!token || !signingSecret) {
    if (token || signingSecret) ctx.log.warn("Slack events off: set both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET");
    return undefined;
  }
  const logger = boltLogger(ctx.log);
  const receiver = new ExpressReceiver({
    signingSecret,
    endpoints: "/slack/events",
    processBeforeResponse: true, // the 200 goes out only once the event is stored
    logger,
    // a signed payload of a kind we have no listener for: a clear 400 rather than Bolt's 404 after 3 s
    unhandledRequestTimeoutMillis: 2500,
    unhandledRequestHandler: ({ response }) => {
      if (response.headersSent) return;
      response.writeHead(400, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "not a Slack payload Leadline handles" }));
    },
  });
  const app = new App({
    token,
    receiver,
    logger,
    // no auth.test on the way in: a Slack API hiccup must not drop an event (the worker asks it, for the bot's id)
    tokenVerificationEnabled: false,
    ignoreSelf: false, // bot messages are filtered by classifySlackMessage (bot_id)
    clientOptions: { slackApiUrl: slackApiUrl(ctx.env.SLACK_API_URL) },
  });

  const record = async (kind: string, externalId: string, business: BusinessRef, payload: Record<string, unknown>) => {
    const { duplicate } = await recordInboundEventOrJournal(ctx, { provider: "slack", kind, externalId, businessId: business.id, payload });
    ctx.metrics.webhooks.inc({ route: "slack", outcome: duplicate ? "duplicate" : "stored" });
  };

  app.event("message", async ({ event, body }) => {
    const verdict = classifySlackMessage(event);
    if (verdict.kind === "ignore") return;
    const stored = ZStoredSlackMessage.safeParse({ event_id: body.event_id, event });
    if (!stored.success) {
      ctx.log.warn("Slack message event without an event_id; dropped");
      return;
    }
    const business = await businessOfChannel(ctx, verdict.channel);
    if (!business) return;
    await record("slack-message", stored.data.event_id, business, stored.data);
  });

  app.action(/^leadline_/, async ({ ack, body }) => {
    const p = ZCardClick.safeParse(body);
    const channel = p.data?.channel?.id ?? p.data?.container?.channel_id;
    const business = channel ? await businessOfChannel(ctx, channel) : undefined;
    const click = p.data?.actions[0];
    if (p.data && channel && business && click?.value) {
      await record(`slack-action`, `action-${p.data.trigger_id}`, business, {
        action: click.action_id,
        conversationId: click.value,
        userId: p.data.user.id,
        userName: p.data.user.name ?? p.data.user.username,
        channel,
      });
    }
    await ack();
  });
  // any other interaction (a link button, an old card) is acknowledged and dropped
  app.action(/^(?!leadline_)/, async ({ ack }) => ack()); // every matching listener runs: one ack each

  app.command("/leadline", async ({ ack, command: raw }) => {
    const parsed = ZSlashCommandBody.safeParse(raw);
    if (!parsed.success) {
      await ack({ response_type: "ephemeral", text: "Leadline could not read that command." });
      return;
    }
    const command = parsed.data;
    const business = await businessOfChannel(ctx, command.channel_id);
    if (!business) {
      await ack({ response_type: "ephemeral", text: "Run /leadline in your business's Leadline channel (the one named in its profile's slack.channel)." });
      return;
    }
    const cmd = parseSlashCommand(command.text);
    if (cmd.kind === "pause" || cmd.kind === "resume") {
      await record("slack-command", `command-${command.trigger_id}`, business, {
        command: cmd.kind,
        userId: command.user_id,
        userName: command.user_name,
        channel: command.channel_id,
      });
      await ack({ response_type: "ephemeral", text: `${cmd.kind === "pause" ? "Pausing" : "Resuming"} the AI for ${business.profile.name}…` });
      return;
    }
    const text = await withTimeout(answerSlashQuery(ctx, business, cmd), 2000, "the /leadline answer").catch((e: Error) => {
      ctx.log.warn({ err: e.message }, "/leadline not answered in time");
      return "Leadline is busy right now; try again in a moment.";
    });
    await ack({ response_type: "ephemeral", text });
  });

  return receiver;
}

/** the business whose lead or alerts channel this is */
export function businessOfChannel(ctx: Ctx, channel: string): Promise<BusinessRef | undefined> {
  return ctx.directory.find((b) => b.profile.slack?.channel === channel || b.profile.slack?.alertsChannel === channel);
}

function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: "slack" });
  let level = LogLevel.INFO;
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
  return {
    debug: (...a) => child.debug(line(a)),
    info: (...a) => child.info(line(a)),
    warn: (...a) => child.warn(line(a)),
    error: (...a) => child.error(line(a)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

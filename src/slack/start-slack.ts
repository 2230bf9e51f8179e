// The worker's Slack side: the thread mirror and the alert relay, each a durable subscriber of the
// event stream. Off (a no-op) without SLACK_BOT_TOKEN.
import type { Ctx } from "../context.ts";
import { startSlackAlerts } from "./start-slack-alerts.ts";
import { startSlackMirror } from "./start-slack-mirror.ts";

export async function startSlack(ctx: Ctx): Promise<() => Promise<void>> {
  const slack = ctx.slack;
  if (!slack) return async () => {};
  const stops = [await startSlackMirror(ctx, slack), await startSlackAlerts(ctx, slack)];
  // the bot's own id, so its messages are never taken for a dispatcher's; a failure is retried on use
  void slack.botUserId().then((id) => (id ? ctx.log.info({ botUserId: id }, "Slack connected") : ctx.log.warn("Slack auth.test failed; will retry")));
  return async () => {
    for (const stop of stops) await stop();
  };
}

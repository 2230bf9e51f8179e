// The `process-inbound` job's Slack branch: a stored thread reply, card click or slash command.
import type { BusinessRef } from "../business/business-directory.ts";
import type { StoredEvent } from "../inbox/stored-event.ts";
import type { Ctx } from "../context.ts";
import { replyFromSlack } from "./reply-from-slack.ts";
import { runCardAction } from "./run-card-action.ts";
import { setBusinessAi } from "./set-business-ai.ts";
import { ZStoredSlashCommand } from "./slack-payloads.ts";

export async function handleSlackEvent(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  switch (event.kind) {
    case "slack-message":
      await replyFromSlack(ctx, business, event.payload);
      return;
    case "slack-action":
      await runCardAction(ctx, business, event.payload);
      return;
    case "slack-command": {
      const cmd = ZStoredSlashCommand.parse(event.payload);
      const enabled = cmd.command === "resume";
      const changed = await setBusinessAi(ctx, business.id, enabled);
      const name = (await ctx.slack?.userName(cmd.userId)) ?? cmd.userName ?? cmd.userId;
      const text = enabled
        ? `${name} resumed the AI for ${business.profile.name}.`
        : `${name} paused the AI for ${business.profile.name}: new messages get template replies only until \`/leadline resume\`.`;
      // said in the channel (not just to the asker): the whole office should know who answers
      if (changed && ctx.slack) await ctx.slack.post(cmd.channel, { text });
      return;
    }
    default:
      throw new Error(`event ${event.id}: unknown Slack kind ${event.kind}`);
  }
}

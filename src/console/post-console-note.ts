// An internal note from the console: kept in the audit trail (the conversation page shows it) and
// posted into the conversation's Slack thread, where the office's own `note:` messages live. Never
// sent to the homeowner.
import type { Ctx } from "../context.ts";
import { escapeMrkdwn } from "../slack/escape-mrkdwn.ts";

/** true when it reached Slack (false: no Slack, or no thread for this conversation yet) */
export async function postConsoleNote(
  ctx: Pick<Ctx, "prisma" | "slack" | "log">,
  a: { conversationId: string; text: string; actor: string },
): Promise<boolean> {
  if (!ctx.slack) return false;
  const conv = await ctx.prisma.conversation.findUnique({ where: { id: a.conversationId }, select: { slackChannel: true, slackThreadTs: true } });
  if (!conv?.slackChannel || !conv.slackThreadTs) return false;
  try {
    await ctx.slack.post(conv.slackChannel, { text: `:memo: Note from the console (${escapeMrkdwn(a.actor)}): ${escapeMrkdwn(a.text)}` }, conv.slackThreadTs);
    return true;
  } catch (err) {
    ctx.log.warn({ conversationId: a.conversationId, err: (err as Error).message }, "console note not mirrored to Slack");
    return false;
  }
}

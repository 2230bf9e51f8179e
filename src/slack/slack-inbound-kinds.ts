// The stored Slack events (thread replies, card buttons, slash commands) handled here (registered with the inbox at boot).
import type { InboundHandlers } from "../inbox/stored-event.ts";
import { handleSlackEvent } from "./handle-slack-event.ts";

export const slackInboundKinds: InboundHandlers = {
  "slack-message": { business: "required", handle: handleSlackEvent },
  "slack-action": { business: "required", handle: handleSlackEvent },
  "slack-command": { business: "required", handle: handleSlackEvent },
};

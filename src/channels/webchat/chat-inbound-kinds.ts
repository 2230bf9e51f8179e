// The stored web chat messages this channel handles (registered with the inbox at boot).
import type { InboundHandlers } from "../../inbox/stored-event.ts";
import { handleChatMessage } from "./handle-chat-message.ts";

export const chatInboundKinds: InboundHandlers = {
  chat: { business: "required", handle: handleChatMessage },
};

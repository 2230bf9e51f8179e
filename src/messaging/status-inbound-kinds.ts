// Provider delivery-status callbacks (registered with the inbox at boot): they name a message, not a business.
import type { InboundHandlers } from "../inbox/stored-event.ts";
import { handleStatusCallback } from "./handle-status-callback.ts";

export const statusInboundKinds: InboundHandlers = {
  status: { business: "none", handle: handleStatusCallback },
};

// The stored lead forms (web forms, Meta lead ads) this channel handles (registered with the inbox at boot).
import type { InboundHandlers } from "../../inbox/stored-event.ts";
import { handleLead } from "./handle-lead.ts";

export const formInboundKinds: InboundHandlers = {
  lead: { business: "required", handle: handleLead },
};

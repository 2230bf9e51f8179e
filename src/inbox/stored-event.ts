// A webhook as the inbox stored it (an InboundEvent row), and what a channel registers to handle
// its kinds. The inbox owns the row; each channel owns what its kinds mean.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";

export interface StoredEvent {
  id: string;
  kind: string;
  businessId: string | null;
  payload: Record<string, unknown>;
  receivedAt: Date;
}

export type InboundHandler =
  /** most kinds belong to a business: the inbox looks it up and refuses the event without one */
  | { business: "required"; handle(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> }
  /** provider status callbacks name a message, not a business */
  | { business: "none"; handle(ctx: Ctx, event: StoredEvent): Promise<void> };

/** kind → handler, as the channels registered them at boot */
export type InboundHandlers = Readonly<Record<string, InboundHandler>>;

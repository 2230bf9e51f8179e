// The `process-inbound` job: turn one stored webhook into inbox rows and replies, through the
// channel that received it. Every step is idempotent (unique provider ids, dedupe keys, atomic
// claims), so a re-run after a crash is safe.
import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { handleStatusCallback } from "../messaging/handle-status-callback.ts";
import { handleLead } from "./forms/handle-lead.ts";
import { handleCall } from "./twilio/handle-call.ts";
import { handleRecording } from "./twilio/handle-recording.ts";
import { handleSms } from "./twilio/handle-sms.ts";
import { handleChatMessage } from "./webchat/handle-chat-message.ts";
import { handleSlackEvent } from "../slack/handle-slack-event.ts";

export interface StoredEvent {
  id: string;
  kind: string;
  businessId: string | null;
  payload: Record<string, unknown>;
  receivedAt: Date;
}

export async function processInboundEvent(ctx: Ctx, eventId: string): Promise<"processed" | "skipped"> {
  const row = await ctx.prisma.inboundEvent.findUnique({ where: { id: eventId } });
  if (!row || row.status !== "pending") return "skipped";
  const event: StoredEvent = { ...row, payload: row.payload as Record<string, unknown> };
  try {
    await dispatch(ctx, event);
  } catch (e) {
    await ctx.prisma.inboundEvent.update({
      where: { id: eventId },
      data: { attempts: { increment: 1 }, error: String((e as Error).message).slice(0, 1000) },
    });
    throw e;
  }
  await ctx.prisma.inboundEvent.updateMany({
    where: { id: eventId, status: "pending" },
    data: { status: "processed", processedAt: ctx.clock.now(), error: null },
  });
  return "processed";
}

async function dispatch(ctx: Ctx, event: StoredEvent): Promise<void> {
  if (event.kind === "status") return handleStatusCallback(ctx, event);
  const business = event.businessId ? await ctx.directory.byId(event.businessId) : undefined;
  if (!business) throw new Error(`event ${event.id}: business ${event.businessId} not found`);
  switch (event.kind) {
    case "sms":
      return handleSms(ctx, event, business);
    case "voice":
    case "dial-status":
      return handleCall(ctx, event, business);
    case "lead":
      return handleLead(ctx, event, business);
    case "chat":
      return handleChatMessage(ctx, event, business);
    case "recording":
    case "transcription":
      return handleRecording(ctx, event, business);
    case "slack-message":
    case "slack-action":
    case "slack-command":
      return handleSlackEvent(ctx, event, business);
    default:
      throw new Error(`event ${event.id}: unknown kind ${event.kind}`);
  }
}

export type { BusinessRef };

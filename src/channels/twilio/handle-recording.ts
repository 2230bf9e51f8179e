import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { requestAgentTurn } from "../../agent/request-agent-turn.ts";
import { recordInboundMessage } from "../../inbox/record-inbound-message.ts";
import type { StoredEvent } from "../../inbox/stored-event.ts";
import { ZRecording } from "./twilio-schemas.ts";

/** A voicemail (recording, then its transcription) joins the caller's conversation as one message. */
export async function handleRecording(ctx: Ctx, event: StoredEvent, business: BusinessRef): Promise<void> {
  const p = ZRecording.parse(event.payload);
  const call = await ctx.prisma.call.findFirst({ where: { callSid: p.CallSid, businessId: business.id } });
  // The call's own event may still be in the queue (e.g. after a Redis flush): retry later.
  if (!call) throw new Error(`call ${p.CallSid} not recorded yet`);
  const conversationId = call.conversationId;
  if (!conversationId) return;
  const text = p.TranscriptionText?.trim();
  const body = text ? `Voicemail: "${text}"` : `Voicemail${p.RecordingDuration ? ` (${p.RecordingDuration}s)` : ""}`;
  const audio = `${p.RecordingUrl}.mp3`;
  await ctx.prisma.call.update({
    where: { id: call.id },
    data: event.kind === "transcription" ? { transcription: text ?? null, recordingUrl: call.recordingUrl ?? audio } : { recordingUrl: audio },
  });
  // Recording and transcription callbacks can be processed at the same moment: whichever creates
  // the message, the words end up on it.
  const { created } = await recordInboundMessage(ctx, {
    businessId: business.id,
    contact: { id: call.contactId },
    conversationId,
    channel: "voice",
    providerId: `vm-${p.RecordingSid}`,
    body,
    from: call.fromNumber,
    to: call.toNumber,
    at: event.receivedAt,
    media: [{ url: audio, contentType: "audio/mpeg" }],
  });
  if (!created && text) await ctx.prisma.message.updateMany({ where: { providerId: `vm-${p.RecordingSid}`, businessId: business.id }, data: { body } });
  // a voicemail with words in it is a message the agent answers
  if (text) await requestAgentTurn(ctx, conversationId, business.profile.ai.debounceSeconds * 1000);
}

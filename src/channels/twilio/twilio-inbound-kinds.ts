// The stored Twilio webhooks this channel handles, by kind (registered with the inbox at boot).
import type { InboundHandlers } from "../../inbox/stored-event.ts";
import { handleCall } from "./handle-call.ts";
import { handleRecording } from "./handle-recording.ts";
import { handleSms } from "./handle-sms.ts";

export const twilioInboundKinds: InboundHandlers = {
  sms: { business: "required", handle: handleSms },
  voice: { business: "required", handle: handleCall },
  "dial-status": { business: "required", handle: handleCall },
  recording: { business: "required", handle: handleRecording },
  transcription: { business: "required", handle: handleRecording },
};

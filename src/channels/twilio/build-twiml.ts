// TwiML the voice routes answer with. URLs are absolute (PUBLIC_BASE_URL) so the signature Twilio
// computes for the callback matches the one we check.
import twilio from "twilio";
import type { BusinessRef } from "../../business/business-directory.ts";

export function dialTwiml(base: string, business: BusinessRef, callSid: string): string {
  const r = new twilio.twiml.VoiceResponse();
  const dial = r.dial({ action: `${base}/webhooks/twilio/voice/dial-status`, method: "POST", timeout: business.profile.ringSeconds, answerOnBridge: true });
  for (const n of business.profile.forwardTo) {
    // Screening: a person must press a key, so a personal voicemail that picks up still counts as missed.
    // the forwarded leg's From is the caller, not us: name the business in the URL
    dial.number({ url: `${base}/webhooks/twilio/voice/screen?parent=${callSid}&b=${business.slug}`, method: "POST" }, n);
  }
  return r.toString();
}

export function voicemailTwiml(base: string, greeting: string): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say(greeting);
  r.record({
    action: `${base}/webhooks/twilio/voice/recording`,
    method: "POST",
    maxLength: 120,
    timeout: 5,
    playBeep: true,
    transcribe: true,
    transcribeCallback: `${base}/webhooks/twilio/voice/recording`,
  });
  r.say("We did not get a message. We will text you shortly. Goodbye.");
  return r.toString();
}

export function screenTwiml(base: string, parentCallSid: string, businessName: string): string {
  const r = new twilio.twiml.VoiceResponse();
  const g = r.gather({ numDigits: 1, timeout: 6, action: `${base}/webhooks/twilio/voice/screen/accept?parent=${parentCallSid}`, method: "POST" });
  g.say(`Call for ${businessName}. Press any key to answer.`);
  r.hangup();
  return r.toString();
}

export function sayTwiml(text: string | undefined, hangup = true): string {
  const r = new twilio.twiml.VoiceResponse();
  if (text) r.say(text);
  if (hangup) r.hangup();
  return r.toString();
}

export const EMPTY_MESSAGING_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** The AI voice agent picks up: Twilio ConversationRelay speaks with our socket; relay-end says what follows. */
export function relayTwiml(base: string, business: BusinessRef): string {
  const v = business.profile.voice;
  const r = new twilio.twiml.VoiceResponse();
  const connect = r.connect({ action: `${base}/webhooks/twilio/voice/relay-end`, method: "POST" });
  connect.conversationRelay({
    url: `${base.replace(/^http/, "ws")}/webhooks/twilio/relay`,
    welcomeGreeting: v.greeting ?? `Thanks for calling ${business.profile.name}. I'm the virtual assistant. How can I help?`,
    interruptible: "any",
    dtmfDetection: true,
    ...(v.ttsVoice ? { voice: v.ttsVoice } : {}),
    ...(v.language ? { language: v.language } : {}),
    ...(v.ttsProvider ? { ttsProvider: v.ttsProvider } : {}),
    ...(v.transcriptionProvider ? { transcriptionProvider: v.transcriptionProvider } : {}),
  });
  return r.toString();
}

/** The caller asked for (or the agent handed them to) a person: ring transferTo, else forwardTo. */
export function transferTwiml(business: BusinessRef): string {
  const to = business.profile.voice.transferTo.length ? business.profile.voice.transferTo : business.profile.forwardTo;
  const r = new twilio.twiml.VoiceResponse();
  if (to.length === 0) {
    r.say("Sorry, no one can take the call right now. We will call you back. Goodbye.");
    r.hangup();
    return r.toString();
  }
  const dial = r.dial({ timeout: business.profile.ringSeconds, answerOnBridge: true });
  for (const n of to) dial.number(n);
  return r.toString();
}

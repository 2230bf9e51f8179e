// What the reply guard knows about the conversation, handed to each of its checks.
import type { TProfile } from "../../config/profile-schema.ts";
export interface GuardFacts {
  businessName: string;
  services: { key: string; name: string; aliases?: string[]; price?: { from: number; to?: number } }[];
  /** services the conversation is about (from the lead, tool calls, or mentioned): money must fit one of THEIR price books */
  discussedServiceKeys: string[];
  /** slots find_slots returned in this conversation */
  offeredSlots: { startAt: Date; endAt: Date }[];
  /** the appointment(s) booked in this conversation, whose time may be confirmed */
  bookedSlots?: { startAt: Date; endAt: Date }[];
  timezone: string;
  now: Date;
  maxChars: number;
  allowedPromises: string[];
  /** true when no AI message was sent in this conversation before */
  firstAiMessage: boolean;
  /** the homeowner's latest message(s) (to see whether they asked if this is a bot) */
  lastInbound: string;
  /** the profile's policies: the only ones the reply may state */
  policies?: readonly string[];
}

/** the business's part of the facts: who it is, what it sells at what price, its zone, promises and policies */
export function businessFacts(profile: TProfile): Pick<GuardFacts, "businessName" | "services" | "timezone" | "allowedPromises" | "policies"> {
  return {
    businessName: profile.name,
    services: profile.services,
    timezone: profile.timezone,
    allowedPromises: profile.ai.allowedPromises,
    policies: profile.policies,
  };
}

/** the services the homeowner named, by name or alias */
export function servicesMentioned(profile: TProfile, text: string): string[] {
  const lower = text.toLowerCase();
  return profile.services.filter((s) => [s.name, ...s.aliases].some((w) => lower.includes(w.toLowerCase()))).map((s) => s.key);
}

// What the reply guard knows about the conversation, handed to each of its checks.
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

/** urgency class of queued work: urgent (a homeowner is waiting right now) or conversation */
export type Lane = "urgent" | "conversation";

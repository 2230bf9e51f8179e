/**
 * urgency class of queued work: urgent (a homeowner is waiting right now), conversation, or bulk
 * (campaign sends: their own few workers, below conversations)
 */
export type Lane = "urgent" | "conversation" | "bulk";

/** every lane, most urgent first (for code that handles each lane in turn) */
export const LANES: readonly Lane[] = ["urgent", "conversation", "bulk"];

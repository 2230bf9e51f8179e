// Florida (Fla. Stat. 501.059(8)(a)), Oklahoma (15 O.S. 775C.4) and Maryland (Com. Law 14-4503)
// allow at most three telephone solicitations to a person in 24 hours on the same subject: a
// marketing text to a recipient who may be in one of them counts the contact's marketing texts on
// its topic (messages without a topic count as one subject).
const TOPIC_CAP_STATES = new Set(["FL", "OK", "MD"]);
const PER_TOPIC_PER_DAY = 3;

/** The per-topic cap for a message, or undefined when no state rule applies to it. */
export function topicCapFor(states: string[], purpose: "transactional" | "marketing"): number | undefined {
  if (purpose !== "marketing") return undefined;
  return states.some((s) => TOPIC_CAP_STATES.has(s.toUpperCase())) ? PER_TOPIC_PER_DAY : undefined;
}

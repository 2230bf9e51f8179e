// The thread's line when a conversation changes hands.
/** who moved the conversation, in the thread's words (`by`: ai, emergency, slack:<name>) */
export function describeAssignment(handledBy: "ai" | "human", by: string): string {
  const who = by.replace(/^slack:/, "");
  if (handledBy === "ai") return `${who === "ai" ? "The AI" : who} handed the conversation back to the AI.`;
  if (by === "ai") return "The AI handed the conversation to a person; it is paused here.";
  if (by === "emergency") return "Emergency: handed to a person; the AI is paused here.";
  return `${who} took over; the AI is paused here.`;
}

// What one delivery attempt of an outbound message came to (the deliver-message job returns it).
export type DeliverOutcome =
  | { kind: "done"; status: string }
  | { kind: "skip"; reason: string }
  | { kind: "wait"; ms: number }
  | { kind: "retry"; error: Error };

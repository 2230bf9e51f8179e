// The seams stay single: a static check that no one writes message rows beside the two doors.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (p.includes("generated")) return [];
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}
const src = files("src").map((f) => ({ f, text: readFileSync(f, "utf8") }));
const writers = (re: RegExp) =>
  src
    .filter(({ text }) => re.test(text))
    .map(({ f }) => f)
    .sort();

describe("one door in, one door out", () => {
  it("only recordInboundMessage and recordOutbound insert Message rows", () => {
    expect(writers(/INSERT INTO "Message"|\.message\.(create|createMany|upsert)\(/)).toEqual([
      "src/inbox/record-message-sql.ts", // the door's own statement: only the door calls it (below)
      "src/messaging/record-outbound.ts",
    ]);
    expect(writers(/from "\.\/record-message-sql\.ts"|record-message-sql\.ts"/)).toEqual(["src/inbox/record-inbound-message.ts"]);
  });

  it("domain events are written by emitEvent or by a single statement that also makes the change", () => {
    expect(writers(/INSERT INTO "DomainEvent"/)).toEqual([
      "src/events/emit-event.ts",
      "src/inbox/capture-touch-sql.ts",
      "src/inbox/record-message-sql.ts",
      "src/messaging/record-outbound.ts",
      "src/messaging/set-message-status.ts",
    ]);
  });

  it("message statuses change through setMessageStatus (or a statement that also writes its event)", () => {
    const direct = writers(/\.message\.update(Many)?\(\{[\s\S]{0,300}?data:\s*\{[^}]*\bstatus\b/);
    expect(direct).toEqual([]);
  });
});

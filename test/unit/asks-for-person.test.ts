import { describe, expect, it } from "vitest";
import { asksForPerson } from "../../src/voice/asks-for-person.ts";

describe("asksForPerson", () => {
  it.each([
    ["Can I talk to a real person?", true],
    ["I'd like to speak with someone in the office", true],
    ["Transfer me please", true],
    ["Representative.", true],
    ["Let me speak to the owner", true],
    ["My kitchen drain is clogged", false],
    ["Will a person come out today?", false],
    ["Someone was here last week", false],
  ])("%j → %s", (text, want) => {
    expect(asksForPerson(text)).toBe(want);
  });
});

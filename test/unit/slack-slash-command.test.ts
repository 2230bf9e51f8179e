import { describe, expect, it } from "vitest";
import { parseSlashCommand } from "../../src/slack/parse-slash-command.ts";

describe("parseSlashCommand", () => {
  it.each([
    ["", { kind: "today" }],
    ["today", { kind: "today" }],
    ["  LEADS ", { kind: "today" }],
    ["find 212 555 0123", { kind: "find", query: "212 555 0123" }],
    ["search  Maria   Lopez", { kind: "find", query: "Maria Lopez" }],
    ["find", { kind: "help", unknown: "find needs a phone number or a name" }],
    ["pause", { kind: "pause" }],
    ["Resume", { kind: "resume" }],
    ["help", { kind: "help" }],
    ["book it", { kind: "help", unknown: 'unknown command "book"' }],
  ])("%j", (text, cmd) => {
    expect(parseSlashCommand(text)).toEqual(cmd);
  });

  it("a long query is cut to 100 characters", () => {
    const r = parseSlashCommand(`find ${"x".repeat(300)}`);
    expect(r.kind === "find" && r.query.length).toBe(100);
  });
});

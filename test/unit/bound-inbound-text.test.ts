import { describe, expect, it } from "vitest";
import { boundInboundText, MAX_INBOUND_TEXT_CHARS } from "../../src/agent/bound-inbound-text.ts";
import { limitReplyTokens } from "../../src/agent/llm/limit-reply-tokens.ts";

describe("boundInboundText: what a turn reads of the homeowner", () => {
  it("keeps a text that fits, unchanged", () => {
    const text = "My kitchen drain is clogged\nI'm in 10001";
    expect(boundInboundText(text)).toBe(text);
    expect(boundInboundText("a".repeat(MAX_INBOUND_TEXT_CHARS))).toHaveLength(MAX_INBOUND_TEXT_CHARS);
  });

  it("keeps the start and the end of a long text, the middle marked as dropped, within the bound", () => {
    const text = `I smell gas in the basement. ${"blah ".repeat(20_000)}Please call me back at 555-0100.`;
    const bounded = boundInboundText(text, 4000);
    expect(bounded.length).toBeLessThanOrEqual(4000);
    expect(bounded.startsWith("I smell gas in the basement.")).toBe(true);
    expect(bounded.endsWith("Please call me back at 555-0100.")).toBe(true);
    expect(bounded).toContain("\n[...]\n");
  });

  it("cuts between words when a space is near", () => {
    const bounded = boundInboundText(`${"word ".repeat(2000)}`, 1000);
    expect(bounded.split("\n[...]\n").every((half) => /^(?:word ?)+$/.test(half))).toBe(true);
  });

  it("never splits an emoji (a surrogate pair) in half", () => {
    const bounded = boundInboundText("\u{1F600}".repeat(5000), 1001);
    expect(bounded.length).toBeLessThanOrEqual(1001);
    expect(bounded.replace("\n[...]\n", "")).toMatch(/^(?:\u{1F600})+$/u);
  });
});

describe("limitReplyTokens: the model's output budget follows the prompt's reply budget", () => {
  it.each([
    [300, 612],
    [320, 619],
    [160, 566],
    [1600, 1046],
  ])("maxReplyChars %i ⇒ %i tokens (chars / 3 + 512 for tool calls)", (chars, tokens) => {
    expect(limitReplyTokens(chars)).toBe(tokens);
  });

  it("a reply cut at the limit is longer than the reply budget, so the guard refuses it rather than send half a sentence", () => {
    for (const chars of [40, 160, 300, 320, 767]) expect(limitReplyTokens(chars)).toBeGreaterThan(chars);
  });
});

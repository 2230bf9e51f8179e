import { describe, expect, it } from "vitest";
import { takeSentences } from "../../src/voice/take-sentences.ts";

describe("takeSentences", () => {
  it.each([
    ["Sure thing. Let me check", false, ["Sure thing."], "Let me check"],
    ["Sure thing.", false, ["Sure thing."], ""],
    ["Really? Yes! Great.", false, ["Really?", "Yes!", "Great."], ""],
    ["It runs $149.", false, [], "It runs $149."],
    ["It runs $149. More", false, ["It runs $149."], "More"],
    ["It costs 2.5 hours", false, [], "It costs 2.5 hours"],
    ["Tuesday at 2 p.m. works? Or", false, ["Tuesday at 2 p.m. works?"], "Or"],
    ["Dr. Smith will come", false, [], "Dr. Smith will come"],
    ['He said "done." Then', false, ['He said "done."'], "Then"],
    ["One line\nTwo", false, ["One line"], "Two"],
    ["no mark at all", true, ["no mark at all"], ""],
    ["", true, [], ""],
    ["   ", false, [], ""],
    ["Visit example.com today", false, [], "Visit example.com today"],
  ])("%j (final %s)", (buffer, final, sentences, rest) => {
    expect(takeSentences(buffer, final)).toEqual({ sentences, rest });
  });
});

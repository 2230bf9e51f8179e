// Issue 16 §6: a name a stranger typed goes into our first text ("Hi {{first_name}}"), so only
// something that looks like a person's name gets there; anything else reads "there".
import { describe, expect, it } from "vitest";
import { plausibleName } from "../../src/lib/plausible-name.ts";
import { firstNameOf } from "../../src/sequences/step-variables.ts";

describe("plausibleName", () => {
  it.each<[string, string | null | undefined, string | undefined]>([
    ["a plain name", "Maria Lopez", "Maria Lopez"],
    ["an apostrophe", "Seán O'Brien", "Seán O'Brien"],
    ["a typographic apostrophe", "D’Angelo", "D’Angelo"],
    ["a hyphen", "Mary-Jane Watson", "Mary-Jane Watson"],
    ["initials with dots and spaces", "J. R. Smith", "J. R. Smith"],
    ["a title", "Dr. Lee", "Dr. Lee"],
    ["accents", "Zoë Ångström", "Zoë Ångström"],
    ["decomposed accents (NFC)", "Jose\u0301", "José"],
    ["another script", "Мария", "Мария"],
    ["CJK", "山田太郎", "山田太郎"],
    ["trimmed, inner spaces collapsed", "  Ann \t  Lee \n", "Ann Lee"],
    ["exactly 40 characters", "A".repeat(40), "A".repeat(40)],
    // refused
    ["the reported link", "evil.example/refund-claim", undefined],
    ["a bare domain", "evil.example", undefined],
    ["a domain with a capital", "Refund.Claim", undefined],
    ["a URL", "https://evil.example", undefined],
    ["an email address", "ann@example.com", undefined],
    ["a phone number", "+1 212 555 0123", undefined],
    ["digits in a name", "Ann2", undefined],
    ["41 characters", "A".repeat(41), undefined],
    ["a sentence with punctuation", "Call 911 now!", undefined],
    ["no letter at all", "- . '", undefined],
    ["empty", "", undefined],
    ["only spaces", "   ", undefined],
    ["a right-to-left override", "Ann\u202eLee", undefined],
    ["a zero-width joiner", "Ann\u200dLee", undefined],
    ["markup", "<b>Ann</b>", undefined],
    ["a template variable", "{{business}}", undefined],
    ["null", null, undefined],
    ["undefined", undefined, undefined],
  ])("%s: %j → %j", (_label, raw, expected) => {
    expect(plausibleName(raw)).toBe(expected);
  });
});

describe("firstNameOf (what a text calls them)", () => {
  it.each<[string | null | undefined, string]>([
    ["Maria Lopez", "Maria"],
    ["Seán O'Brien", "Seán"],
    ["Zoë", "Zoë"],
    ["evil.example/refund-claim", "there"],
    ["evil.example", "there"],
    ["J. R. Smith", "there"], // an initial is not something to greet
    ["Dr. Lee", "there"],
    ["- Lee", "there"],
    ["A".repeat(41), "there"],
    [null, "there"],
    [undefined, "there"],
  ])("%j → %j", (name, expected) => {
    expect(firstNameOf(name)).toBe(expected);
  });
});

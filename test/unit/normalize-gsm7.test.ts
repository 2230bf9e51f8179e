import { describe, expect, it } from "vitest";
import { normalizeGsm7 } from "../../src/messaging/normalize-gsm7.ts";

describe("normalizeGsm7: typography is replaced by GSM-7 equivalents", () => {
  it.each([
    ["left single quote", "\u2018hi", "'hi"],
    ["right single quote / apostrophe", "it\u2019s", "it's"],
    ["low single quote", "\u201Ahi", "'hi"],
    ["prime", "5\u2032", "5'"],
    ["acute accent", "it\u00B4s", "it's"],
    ["left/right double quotes", "\u201Chi\u201D", '"hi"'],
    ["low double quote", "\u201Ehi\u201F", '"hi"'],
    ["hyphen (U+2010)", "a\u2010b", "a-b"],
    ["non-breaking hyphen", "a\u2011b", "a-b"],
    ["en dash", "9\u20135", "9-5"],
    ["em dash", "yes\u2014now", "yes-now"],
    ["minus sign", "\u22125", "-5"],
    ["ellipsis", "wait\u2026", "wait..."],
    ["no-break space", "a\u00A0b", "a b"],
    ["thin space", "a\u2009b", "a b"],
    ["narrow no-break space", "3\u202FPM", "3 PM"],
    ["ideographic space", "a\u3000b", "a b"],
    ["zero-width space", "a\u200Bb", "ab"],
    ["zero-width non-joiner", "a\u200Cb", "ab"],
    ["zero-width joiner", "a\u200Db", "ab"],
    ["word joiner", "a\u2060b", "ab"],
    ["byte-order mark", "\uFEFFhi", "hi"],
    ["soft hyphen", "plumb\u00ADing", "plumbing"],
    ["bullet", "\u2022 drain", "- drain"],
    ["trailing spaces before a newline", "line one  \nline two", "line one\nline two"],
    ["surrounding whitespace", "  hi \n", "hi"],
  ])("%s", (_name, input, body) => {
    const r = normalizeGsm7(input);
    expect(r.body).toBe(body);
    expect(r.encoding).toBe("GSM-7");
  });
});

describe("normalizeGsm7: encoding", () => {
  it.each([
    ["typical LLM reply", "We\u2019re on our way \u2014 see you at 3\u00A0PM\u2026 \u201CAcme\u201D", 'We\'re on our way - see you at 3 PM... "Acme"', "GSM-7"],
    ["LLM reply with hidden zero-width chars", "Thanks\u200B! Booked\u2060 for 9\u201310am.", "Thanks! Booked for 9-10am.", "GSM-7"],
    ["plain ASCII", "Hi, this is Acme Plumbing.", "Hi, this is Acme Plumbing.", "GSM-7"],
    ["an emoji keeps UCS-2", "See you soon \u{1F44D}", "See you soon \u{1F44D}", "UCS-2"],
    ["an emoji next to smart quotes keeps UCS-2", "\u201CThanks\u201D \u{1F600}", '"Thanks" \u{1F600}', "UCS-2"],
    ["a CJK character keeps UCS-2", "\u3042", "\u3042", "UCS-2"],
  ] as const)("%s", (_name, input, body, encoding) => {
    const r = normalizeGsm7(input);
    expect(r.body).toBe(body);
    expect(r.encoding).toBe(encoding);
  });
});

describe("normalizeGsm7: segments", () => {
  it.each([
    ["1 GSM char", "a", "GSM-7", 1],
    ["160 GSM chars", "a".repeat(160), "GSM-7", 1],
    ["161 GSM chars", "a".repeat(161), "GSM-7", 2],
    ["306 GSM chars (2 x 153)", "a".repeat(306), "GSM-7", 2],
    ["307 GSM chars", "a".repeat(307), "GSM-7", 3],
    ["70 UCS-2 chars", "\u3042".repeat(70), "UCS-2", 1],
    ["71 UCS-2 chars", "\u3042".repeat(71), "UCS-2", 2],
    ["134 UCS-2 chars (2 x 67)", "\u3042".repeat(134), "UCS-2", 2],
    ["135 UCS-2 chars", "\u3042".repeat(135), "UCS-2", 3],
    // counted after normalising: a curly quote would otherwise make this UCS-2 (3 segments)
    ["159 GSM chars + a curly apostrophe", "\u2019" + "a".repeat(159), "GSM-7", 1],
    // the ellipsis expands to three characters, pushing the message over 160
    ["158 GSM chars + an ellipsis", "a".repeat(158) + "\u2026", "GSM-7", 2],
    // zero-width characters are dropped, so they do not count
    ["160 GSM chars + zero-width spaces", "a".repeat(160) + "\u200B\u200B", "GSM-7", 1],
  ] as const)("%s", (_name, input, encoding, segments) => {
    const r = normalizeGsm7(input);
    expect(r.encoding).toBe(encoding);
    expect(r.segments).toBe(segments);
  });
});

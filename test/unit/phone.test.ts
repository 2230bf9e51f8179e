import { describe, expect, it } from "vitest";
import { toE164 } from "../../src/lib/phone.ts";

describe("toE164", () => {
  it.each([
    ["+1 555 555 0100", "+15555550100"],
    ["+15555550100", "+15555550100"],
    ["(555) 555-0100", "+15555550100"],
    ["(212) 555-0123", "+12125550123"],
    ["212.555.0123", "+12125550123"],
    ["212-555-0123", "+12125550123"],
    ["2125550123", "+12125550123"],
    ["1-212-555-0123", "+12125550123"],
    ["  (212) 555-0123  ", "+12125550123"],
    ["+44 20 7946 0958", "+442079460958"],
  ])("%j -> %s", (raw, expected) => {
    expect(toE164(raw)).toBe(expected);
  });

  it.each([["hello"], ["123"], [""], ["   "], ["555-0100"], ["+1 555"], ["212555012345678"]])("%j -> undefined", (raw) => {
    expect(toE164(raw)).toBeUndefined();
  });

  it.each([
    ["020 7946 0958", "GB", "+442079460958"],
    ["(212) 555-0123", "US", "+12125550123"],
    ["+1 212 555 0123", "GB", "+12125550123"], // an explicit +country wins over the default
  ] as const)("%j with default country %s -> %s", (raw, country, expected) => {
    expect(toE164(raw, country)).toBe(expected);
  });
});

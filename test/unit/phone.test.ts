import { parsePhoneNumberFromString } from "libphonenumber-js";
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

  it("a North American number already in E.164 (the fast path) comes back as libphonenumber would return it", () => {
    const viaLibrary = (raw: string) => {
      const p = parsePhoneNumberFromString(raw, "US");
      return p?.isPossible() ? p.number : undefined;
    };
    // area codes across the plan (N11, 555, toll-free, Canada, the Caribbean) and a deterministic spread of the rest
    const numbers = ["+12125550123", "+19115550100", "+15555550100", "+18005550199", "+14165550100", "+18765550100", "+12000000000", "+19999999999"];
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      numbers.push(`+1${2 + (seed % 8)}${String(seed).padStart(10, "0").slice(-9)}`);
    }
    for (const n of numbers) expect(toE164(n), n).toBe(viaLibrary(n));
    // not the fast path's shape: the library decides
    for (const n of ["+11125550123", "+1212555012", "+121255501234", "+1 212 555 0123", "+12125550123 "]) expect(toE164(n), n).toBe(viaLibrary(n.trim()));
  });
});

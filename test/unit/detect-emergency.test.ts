import { describe, expect, it } from "vitest";
import { detectEmergency, type EmergencyKind, safetyMessage } from "../../src/agent/detect-emergency.ts";
import { normalizeGsm7 } from "../../src/messaging/normalize-gsm7.ts";

describe("detectEmergency", () => {
  it.each<[text: string, kind: EmergencyKind | undefined, phrase?: string]>([
    // gas
    ["I smell gas in the kitchen", "gas", "smell gas"],
    ["There's a strong gas smell by the furnace", "gas", "gas smell"],
    ["I think we have a GAS LEAK", "gas", "GAS LEAK"],
    ["it smells like rotten eggs near the stove", "gas"],
    ["No, but I smell gas now", "gas"],
    ["huele a gas en la cocina", "gas", "huele a gas"],
    ["creo que hay una fuga de gas", "gas"],
    // carbon monoxide
    ["our CO alarm keeps going off", "carbon-monoxide"],
    ["the carbon monoxide detector is beeping", "carbon-monoxide"],
    ["I think it's carbon monoxide, we all have headaches", "carbon-monoxide"],
    // flooding
    ["the basement is flooding", "flooding", "flooding"],
    ["there's water everywhere in the laundry room", "flooding"],
    ["a burst pipe in the garage", "flooding"],
    ["water pouring through the ceiling!!", "flooding"],
    ["se inundó el sótano", "flooding"],
    ["hay una inundación en la casa", "flooding", "inundación"],
    // electrical and fire
    ["the outlet is sparking when I plug in the vacuum", "electrical"],
    ["burning smell from the breaker panel", "electrical"],
    ["smoke coming out of the outlet", "electrical"],
    ["salen chispas del enchufe", "electrical", "chispas"],
    ["the kitchen is on fire", "fire"],
    ["house is full of smoke", "fire"],
    // no heat
    ["we have no heat and it's 20 degrees", "no-heat"],
    ["no heat since last night", "no-heat"],
    ["furnace stopped working and the baby is cold", "no-heat"],
    ["the heater doesn't work and it's freezing in here", "no-heat"],
    ["no tenemos calefacción", "no-heat"],
    // sewage
    ["sewage is backing up into the tub", "sewage"],
    ["raw sewage in the basement", "sewage"],
    ["the sump pump alarm is going off", undefined], // only with the profile's phrase (below)
    // negations and routine requests
    ["no gas smell, just want a furnace tune-up", undefined],
    ["I don't smell gas, the pilot light is out", undefined],
    ["It's not flooding, just a slow drip", undefined],
    ["there's no water everywhere, just a small puddle", undefined],
    ["the heat is a bit weak upstairs", undefined],
    ["furnace is not working, can you come next week?", undefined],
    ["I'd like to install a carbon monoxide detector", undefined],
    ["need a quote for a fire pit gas line", undefined],
    ["replace the furnace flame sensor please", undefined],
    ["my spark plug is broken", undefined],
    ["how much for a drain cleaning?", undefined],
    ["", undefined],
  ])("%j -> %s", (text, kind, phrase) => {
    const e = detectEmergency(text);
    expect(e?.kind).toBe(kind);
    if (phrase !== undefined) expect(e?.phrase).toBe(phrase);
  });

  it.each<[text: string, extra: string[], expected: { kind: EmergencyKind; phrase: string } | undefined]>([
    ["the sump pump alarm is going off", ["sump pump alarm"], { kind: "custom", phrase: "sump pump alarm" }],
    ["The SUMP  PUMP ALARM went off", ["sump pump alarm"], { kind: "custom", phrase: "SUMP  PUMP ALARM" }],
    ["no sump pump alarm, all quiet", ["sump pump alarm"], undefined],
    ["the sump pump alarms are fine", ["sump pump alarm"], undefined],
    ["I smell gas and the sump pump alarm is on", ["sump pump alarm"], { kind: "gas", phrase: "smell gas" }],
    ["ignore empty phrases", ["", "  "], undefined],
  ])("profile phrases: %j", (text, extra, expected) => {
    expect(detectEmergency(text, extra)).toEqual(expected);
  });

  it("most dangerous kind wins when several match", () => {
    expect(detectEmergency("water everywhere and I smell gas")?.kind).toBe("gas");
  });
});

describe("safetyMessage", () => {
  const kinds: EmergencyKind[] = ["gas", "carbon-monoxide", "flooding", "electrical", "fire", "no-heat", "sewage", "custom"];
  const longName = "Acme Plumbing, Heating & Cooling Co. LLC"; // 40 chars

  it.each(kinds)("%s: GSM-7, at most 320 chars, safety first, then the alert", (kind) => {
    for (const name of ["Acme", longName]) {
      const msg = safetyMessage({ kind, phrase: "x" }, name);
      const n = normalizeGsm7(msg);
      expect(n.encoding).toBe("GSM-7");
      expect(n.body).toBe(msg);
      expect(msg.length).toBeLessThanOrEqual(320);
      const alert = msg.indexOf(`A person from ${name} is being alerted now`);
      expect(alert).toBeGreaterThan(40);
      expect(msg.slice(0, alert)).not.toMatch(/alert/i);
    }
  });

  it.each<[EmergencyKind, RegExp[]]>([
    ["gas", [/leave the house now/i, /don't touch light switches/i, /call 911 or your gas company/i]],
    ["carbon-monoxide", [/out into fresh air now/i, /call 911/i]],
    ["flooding", [/shut off the main water valve/i, /away from outlets/i]],
    ["electrical", [/don't touch/i, /call 911/i, /get everyone out/i]],
    ["fire", [/get everyone out/i, /call 911/i]],
    ["no-heat", [/will call you right away/i]],
    ["sewage", [/will call you right away/i]],
  ])("%s says what to do", (kind, patterns) => {
    const msg = safetyMessage({ kind, phrase: "x" }, "Acme");
    for (const p of patterns) expect(msg).toMatch(p);
  });

  it("falls back to 'the business' for a name that is too long or not GSM-7", () => {
    expect(safetyMessage({ kind: "gas", phrase: "x" }, "A".repeat(41))).toContain("A person from the business is being alerted now.");
    expect(safetyMessage({ kind: "gas", phrase: "x" }, "Acme \u{1F527}")).toContain("A person from the business");
    expect(safetyMessage({ kind: "gas", phrase: "x" }, "Acme\u2019s Plumbing")).toContain("A person from Acme's Plumbing");
  });
});

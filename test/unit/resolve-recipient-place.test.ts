import { IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { AREA_CODES } from "../../src/messaging/policy/area-codes.ts";
import { type RecipientPlace, resolveRecipientPlace } from "../../src/messaging/policy/resolve-recipient-place.ts";
import { lookupZipExtraZones, lookupZipState, ZIP_PREFIX_STATES } from "../../src/messaging/policy/zip-prefix-states.ts";

const NY = "America/New_York";
const CHI = "America/Chicago";
const DEN = "America/Denver";
const LA = "America/Los_Angeles";
const PHX = "America/Phoenix";
const BIZ = "America/Chicago";

const sorted = (p: RecipientPlace) => ({ ...p, zones: [...p.zones].sort() });

describe("resolveRecipientPlace: ZIP, then area code, then the business zone", () => {
  it.each<[string, string | null | undefined, string | null | undefined, RecipientPlace]>([
    ["ZIP beats area code (Miami ZIP, Manhattan phone)", "33101", "+12125550123", { zones: [NY], states: ["FL"], basis: "zip" }],
    ["ZIP+4 is read as its ZIP", "10001-1234", null, { zones: [NY], states: ["NY"], basis: "zip" }],
    ["panhandle ZIP is Central, still Florida", "32501", "+12125550123", { zones: [CHI], states: ["FL"], basis: "zip" }],
    ["Oklahoma City ZIP", "73102", null, { zones: [CHI], states: ["OK"], basis: "zip" }],
    ["Baltimore ZIP", "21201", undefined, { zones: [NY], states: ["MD"], basis: "zip" }],
    ["El Paso ZIP", "79901", null, { zones: [DEN], states: ["TX"], basis: "zip" }],
    [
      "Evansville ZIP: the library says Eastern, Central is added",
      "47708",
      null,
      { zones: ["America/Indiana/Indianapolis", CHI].sort(), states: ["IN"], basis: "zip" },
    ],
    ["Ontario, Oregon ZIP gets Mountain too", "97914", null, { zones: [DEN, LA], states: ["OR"], basis: "zip" }],
    ["unknown ZIP falls back to the area code", "00000", "+12125550123", { zones: [NY], states: ["NY"], basis: "area-code" }],
    ["malformed ZIP falls back to the area code", "ABCDE", "+13055550123", { zones: [NY], states: ["FL"], basis: "area-code" }],
    ["Puerto Rico ZIP (not in the library) falls back to 787", "00901", "+17875550123", { zones: ["America/Puerto_Rico"], states: ["PR"], basis: "area-code" }],
    ["phone with punctuation", null, "+1 (405) 555-0123", { zones: [CHI], states: ["OK"], basis: "area-code" }],
    ["national 10-digit phone", null, "3015550123", { zones: [NY], states: ["MD"], basis: "area-code" }],
    ["unknown ZIP and non-geographic 555 → business", "00000", "+15555550123", { zones: [BIZ], states: [], basis: "business" }],
    ["non-US number → business", null, "+442071234567", { zones: [BIZ], states: [], basis: "business" }],
    ["Caribbean NANP (Jamaica 876) → business", null, "+18765550123", { zones: [BIZ], states: [], basis: "business" }],
    ["nothing known → business", null, null, { zones: [BIZ], states: [], basis: "business" }],
    ["empty strings → business", "", "", { zones: [BIZ], states: [], basis: "business" }],
  ])("%s", (_name, zip, phone, expected) => {
    expect(sorted(resolveRecipientPlace({ zip, phone, businessZone: BIZ }))).toEqual(sorted(expected));
  });
});

describe("area codes that span zones return every zone", () => {
  it.each<[string, string[], string[]]>([
    ["850", ["FL"], [CHI, NY]],
    ["448", ["FL"], [CHI, NY]],
    ["208", ["ID"], [DEN, LA]],
    ["986", ["ID"], [DEN, LA]],
    ["541", ["OR"], [DEN, LA]],
    ["915", ["TX"], [DEN]],
    ["432", ["TX"], [CHI, DEN]],
    ["806", ["TX"], [CHI]],
    ["270", ["KY"], [CHI, NY]],
    ["606", ["KY"], [CHI, NY]],
    ["502", ["KY"], [NY]],
    ["423", ["TN"], [CHI, NY]],
    ["931", ["TN"], [CHI, NY]],
    ["865", ["TN"], [NY]],
    ["906", ["MI"], [CHI, NY]],
    ["219", ["IN"], [CHI, NY]],
    ["574", ["IN"], [CHI, NY]],
    ["812", ["IN"], [CHI, NY]],
    ["930", ["IN"], [CHI, NY]],
    ["317", ["IN"], [NY]],
    ["701", ["ND"], [CHI, DEN]],
    ["605", ["SD"], [CHI, DEN]],
    ["308", ["NE"], [CHI, DEN]],
    ["402", ["NE"], [CHI]],
    ["620", ["KS"], [CHI, DEN]],
    ["785", ["KS"], [CHI, DEN]],
    ["520", ["AZ"], [PHX]],
    ["602", ["AZ"], [PHX]],
    ["928", ["AZ"], [DEN, PHX]],
    ["775", ["NV"], [DEN, LA]],
    ["808", ["HI"], ["Pacific/Honolulu"]],
    ["907", ["AK"], ["America/Adak", "America/Anchorage"]],
    ["416", [], ["America/Toronto"]],
    ["807", [], ["America/Toronto", "America/Winnipeg"]],
  ])("%s → %j %j", (npa, states, zones) => {
    const place = resolveRecipientPlace({ phone: `+1${npa}5550123`, businessZone: BIZ });
    expect(place.basis).toBe("area-code");
    expect(place.states).toEqual(states);
    expect([...place.zones].sort()).toEqual(zones);
  });
});

describe("data tables", () => {
  it("every area code is a 3-digit NANP code with valid zones and a USPS code or none", () => {
    expect(AREA_CODES.size).toBeGreaterThan(400);
    for (const [npa, place] of AREA_CODES) {
      expect(npa).toMatch(/^[2-9]\d{2}$/);
      expect(place.zones.length).toBeGreaterThan(0);
      for (const z of place.zones) expect(IANAZone.isValidZone(z), `${npa} ${z}`).toBe(true);
      for (const s of place.states) expect(s).toMatch(/^[A-Z]{2}$/);
    }
  });

  it("ZIP prefix ranges ascend without overlapping", () => {
    let last = -1;
    for (const [from, to] of ZIP_PREFIX_STATES) {
      expect(from).toBeGreaterThan(last);
      expect(to).toBeGreaterThanOrEqual(from);
      last = to;
    }
  });

  it.each([
    ["33101", "FL"],
    ["34997", "FL"],
    ["34001", undefined],
    ["73301", "TX"],
    ["73102", "OK"],
    ["74101", "OK"],
    ["20850", "MD"],
    ["21201", "MD"],
    ["20001", "DC"],
    ["20101", "VA"],
    ["05501", "MA"],
    ["88510", "TX"],
    ["99501", "AK"],
  ])("ZIP %s → %s", (zip, state) => {
    expect(lookupZipState(zip)).toBe(state);
  });

  it.each([
    ["46401", [CHI]],
    ["47708", [CHI]],
    ["42001", [CHI]],
    ["97914", [DEN]],
    ["89883", [DEN]],
    ["99546", ["America/Adak"]],
    ["10001", []],
    ["42501", []],
  ])("extra zones for ZIP %s → %j", (zip, zones) => {
    expect(lookupZipExtraZones(zip)).toEqual(zones);
  });
});

import { describe, expect, it } from "vitest";
import { readDetails } from "../../src/agent/read-details.ts";

const services = [
  { key: "drain-cleaning", name: "Drain cleaning", aliases: ["clog"] },
  { key: "water-heater", name: "Water heater repair" },
  { key: "gas-line-repair", name: "Gas line repair" },
];

describe("readDetails: what a text says without a model", () => {
  it.each([
    ["my drain is clogged, zip 10001", { zip: "10001", service: "drain-cleaning" }],
    ["Drain cleaning please", { service: "drain-cleaning" }],
    ["there's a clog", { service: "drain-cleaning" }],
    ["water heater is leaking", { service: "water-heater" }],
    ["I'm in 11215", { zip: "11215" }],
    ["need a repair", {}],
    ["call me at 2125550123", {}],
    ["hello", {}],
  ])("%s", (text, expected) => {
    expect(readDetails(text, services)).toEqual(expected);
  });
});

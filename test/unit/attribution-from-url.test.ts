import { describe, expect, it } from "vitest";
import { attributionFromUrl, ZAttribution, type TAttribution } from "../../src/attribution/attribution-schema.ts";

describe("attributionFromUrl", () => {
  it.each<[string, TAttribution, Partial<TAttribution>]>([
    [
      "lifts every utm_* and click id",
      {
        landingPage:
          "https://acme.com/roofing?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=roof+repair&utm_content=ad1&gclid=G1&fbclid=F1&msclkid=M1",
      },
      {
        utm: { source: "google", medium: "cpc", campaign: "spring", term: "roof repair", content: "ad1" },
        gclid: "G1",
        fbclid: "F1",
        msclkid: "M1",
      },
    ],
    ["decodes percent-encoding", { landingPage: "https://acme.com/?utm_campaign=spring%20sale" }, { utm: { campaign: "spring sale" } }],
    [
      "explicit utm wins over the URL",
      { landingPage: "https://acme.com/?utm_source=google&utm_medium=cpc", utm: { source: "newsletter" } },
      { utm: { source: "newsletter", medium: "cpc" } },
    ],
    ["explicit gclid wins over the URL", { landingPage: "https://acme.com/?gclid=FROM_URL", gclid: "EXPLICIT" }, { gclid: "EXPLICIT" }],
    ["explicit fbclid wins over the URL", { landingPage: "https://acme.com/?fbclid=FROM_URL", fbclid: "EXPLICIT" }, { fbclid: "EXPLICIT" }],
    ["explicit msclkid wins over the URL", { landingPage: "https://acme.com/?msclkid=FROM_URL", msclkid: "EXPLICIT" }, { msclkid: "EXPLICIT" }],
    ["empty query value -> undefined", { landingPage: "https://acme.com/?utm_source=&gclid=" }, { utm: { source: undefined }, gclid: undefined }],
    [
      "other fields are kept",
      { landingPage: "https://acme.com/?gclid=G", referrer: "https://www.google.com/", formId: "f1", adId: "a1", campaignId: "c1" },
      { landingPage: "https://acme.com/?gclid=G", referrer: "https://www.google.com/", formId: "f1", adId: "a1", campaignId: "c1", gclid: "G" },
    ],
  ])("%s", (_label, input, expected) => {
    expect(attributionFromUrl(input)).toMatchObject(expected);
    for (const [k, v] of Object.entries(expected)) expect((attributionFromUrl(input) as Record<string, unknown>)[k]).toEqual(v);
  });

  it("caps a query value at 300 characters", () => {
    const out = attributionFromUrl({ landingPage: `https://acme.com/?utm_campaign=${"c".repeat(400)}` });
    expect(out.utm?.campaign).toBe("c".repeat(300));
  });

  it.each<[string, TAttribution]>([
    ["no landing page", { gclid: "G" }],
    ["relative landing page", { landingPage: "/contact?utm_source=google&gclid=G" }],
    ["garbage landing page", { landingPage: "not a url ?utm_source=google" }],
    ["host without scheme", { landingPage: "acme.com/?utm_source=google" }],
  ])("%s leaves the input unchanged", (_label, input) => {
    const snapshot = structuredClone(input);
    const out = attributionFromUrl(input);
    expect(out).toEqual(snapshot);
    expect(out.utm).toBeUndefined();
  });
});

describe("ZAttribution", () => {
  it.each<[string, unknown, boolean]>([
    ["empty object", {}, true],
    ["300-char utm source", { utm: { source: "s".repeat(300) } }, true],
    ["301-char utm source", { utm: { source: "s".repeat(301) } }, false],
    ["301-char utm campaign", { utm: { campaign: "c".repeat(301) } }, false],
    ["301-char gclid", { gclid: "g".repeat(301) }, false],
    ["301-char formId", { formId: "f".repeat(301) }, false],
    ["2000-char landing page", { landingPage: "l".repeat(2000) }, true],
    ["2001-char landing page", { landingPage: "l".repeat(2001) }, false],
    ["2001-char referrer", { referrer: "r".repeat(2001) }, false],
    ["300 chars padded with spaces (trimmed first)", { utm: { source: ` ${"s".repeat(300)} ` } }, true],
    ["non-string utm source", { utm: { source: 5 } }, false],
  ])("%s -> success %s", (_label, input, ok) => {
    expect(ZAttribution.safeParse(input).success).toBe(ok);
  });

  it("trims values", () => {
    expect(ZAttribution.parse({ utm: { source: "  google " }, gclid: " G " })).toEqual({ utm: { source: "google" }, gclid: "G" });
  });
});

import { describe, expect, it } from "vitest";
import { leadFromGoogle, ZGoogleLead } from "../../src/channels/forms/google-lead.ts";

// Shaped like Google Ads' lead form extension webhook body.
const googlePayload = () => ({
  lead_id: "TeSter-123-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-0123456789-AaBbCcDdEeFfGgHhIiJjKkLl",
  user_column_data: [
    { column_name: "Full Name", string_value: "Jane Doe", column_id: "FULL_NAME" },
    { column_name: "User Phone", string_value: "+12125550123", column_id: "PHONE_NUMBER" },
    { column_name: "User Email", string_value: "Jane.Doe@Example.com", column_id: "EMAIL" },
    { column_name: "Postal Code", string_value: "10001-1234", column_id: "POSTAL_CODE" },
    { column_name: "What is your roof's age?", string_value: "15 years", column_id: "roof_age" },
  ],
  api_version: "1.0",
  form_id: 40000000000,
  campaign_id: 20000000000,
  adgroup_id: 30000000000,
  creative_id: 50000000000,
  gcl_id: "TeSter-123-gclid",
  google_key: "secret-key",
  is_test: true,
});

describe("leadFromGoogle: Google Ads lead form webhook", () => {
  const lead = leadFromGoogle(ZGoogleLead.parse(googlePayload()));

  it.each([
    ["name", lead.name, "Jane Doe"],
    ["phone", lead.phone, "+12125550123"],
    ["rawPhone", lead.rawPhone, undefined],
    ["email", lead.email, "jane.doe@example.com"],
    ["zip", lead.zip, "10001"],
    ["id", lead.id, "TeSter-123-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-0123456789-AaBbCcDdEeFfGgHhIiJjKkLl"],
    ["attribution.gclid", lead.attribution.gclid, "TeSter-123-gclid"],
    ["attribution.formId", lead.attribution.formId, "40000000000"],
    ["attribution.campaignId", lead.attribution.campaignId, "20000000000"],
    ["attribution.adId", lead.attribution.adId, "50000000000"],
  ])("%s", (_label, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it("keeps the custom question in extra under its column_name", () => {
    expect(lead.extra).toEqual({ "What is your roof's age?": "15 years" });
  });

  it.each([["formId"], ["campaignId"], ["adId"]] as const)("attribution.%s is a string", (k) => {
    expect(typeof lead.attribution[k]).toBe("string");
  });
});

describe("leadFromGoogle: column variants", () => {
  it.each([
    [
      "FIRST_NAME + LAST_NAME combine",
      [
        { column_name: "First Name", string_value: "Jane", column_id: "FIRST_NAME" },
        { column_name: "Last Name", string_value: "Doe", column_id: "LAST_NAME" },
      ],
      { name: "Jane Doe" },
    ],
    [
      "empty string_value is skipped",
      [
        { column_name: "Full Name", string_value: "", column_id: "FULL_NAME" },
        { column_name: "User Phone", string_value: "(212) 555-0123", column_id: "PHONE_NUMBER" },
      ],
      { name: undefined, phone: "+12125550123" },
    ],
    [
      "unusable phone kept as rawPhone",
      [{ column_name: "User Phone", string_value: "call me", column_id: "PHONE_NUMBER" }],
      { phone: undefined, rawPhone: "call me" },
    ],
    [
      "column without column_id falls back to column_name",
      [{ column_name: "Best time to call", string_value: "Evenings" }],
      { extra: { "Best time to call": "Evenings" } },
    ],
    ["unknown column_id without column_name stays under column_id", [{ column_id: "budget", string_value: "5000" }], { extra: { budget: "5000" } }],
  ])("%s", (_label, columns, expected) => {
    const lead = leadFromGoogle(ZGoogleLead.parse({ ...googlePayload(), user_column_data: columns }));
    expect(lead).toMatchObject(expected);
    for (const [k, v] of Object.entries(expected)) expect((lead as unknown as Record<string, unknown>)[k]).toEqual(v);
  });

  it("string ids stay strings and missing ids stay undefined", () => {
    const { creative_id: _c, campaign_id: _cam, ...rest } = googlePayload();
    const lead = leadFromGoogle(ZGoogleLead.parse({ ...rest, form_id: "123" }));
    expect(lead.attribution.formId).toBe("123");
    expect(lead.attribution.campaignId).toBeUndefined();
    expect(lead.attribution.adId).toBeUndefined();
  });
});

describe("ZGoogleLead", () => {
  const without = (k: string) => {
    const p: Record<string, unknown> = googlePayload();
    delete p[k];
    return p;
  };

  it.each([
    ["missing lead_id", without("lead_id")],
    ["empty lead_id", { ...googlePayload(), lead_id: "" }],
    ["missing google_key", without("google_key")],
    ["missing user_column_data", without("user_column_data")],
    ["is_test as a string", { ...googlePayload(), is_test: "true" }],
  ])("rejects %s", (_label, payload) => {
    expect(ZGoogleLead.safeParse(payload).success).toBe(false);
  });

  it.each([
    ["the full payload", googlePayload()],
    ["a payload without optional ids", without("adgroup_id")],
    ["extra unknown keys", { ...googlePayload(), lead_submit_time: "2024-01-01" }],
  ])("accepts %s", (_label, payload) => {
    expect(ZGoogleLead.safeParse(payload).success).toBe(true);
  });

  it("transforms numeric ids to strings", () => {
    const g = ZGoogleLead.parse(googlePayload());
    expect(g.form_id).toBe("40000000000");
    expect(g.adgroup_id).toBe("30000000000");
  });
});

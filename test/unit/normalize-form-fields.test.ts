import { describe, expect, it } from "vitest";
import { normalizeFormFields } from "../../src/channels/forms/normalize-form-fields.ts";

describe("normalizeFormFields: field aliases from real form builders", () => {
  it.each([
    // WordPress Contact Form 7
    ["CF7 your-name", { "your-name": "Jane Doe" }, "name", "Jane Doe"],
    ["CF7 your-phone", { "your-phone": "(212) 555-0123" }, "phone", "+12125550123"],
    ["CF7 your-email", { "your-email": "jane@example.com" }, "email", "jane@example.com"],
    ["CF7 your-message", { "your-message": "Leaky faucet" }, "message", "Leaky faucet"],
    // Typeform / Zapier
    ["phone_number", { phone_number: "212-555-0123" }, "phone", "+12125550123"],
    ["postal_code", { postal_code: "10001" }, "zip", "10001"],
    ["Full Name (space + case)", { "Full Name": "Jane Doe" }, "name", "Jane Doe"],
    ["Phone Number (space + case)", { "Phone Number": "212.555.0123" }, "phone", "+12125550123"],
    ["Email Address (space + case)", { "Email Address": "jane@example.com" }, "email", "jane@example.com"],
    ["ZIP Code (space + upper case)", { "ZIP Code": "10001" }, "zip", "10001"],
    ["EMAIL (upper case)", { EMAIL: "jane@example.com" }, "email", "jane@example.com"],
    ["zip-code (dash)", { "zip-code": "10001" }, "zip", "10001"],
    ["e-mail (dash)", { "e-mail": "jane@example.com" }, "email", "jane@example.com"],
    ["padded key", { "  Phone  ": "2125550123" }, "phone", "+12125550123"],
    ["dotted key", { "phone.number": "2125550123" }, "phone", "+12125550123"],
    ["mobile", { mobile: "2125550123" }, "phone", "+12125550123"],
    ["tel", { tel: "2125550123" }, "phone", "+12125550123"],
    ["Comments", { Comments: "Call after 5" }, "message", "Call after 5"],
    ["How can we help?", { "How can we help?": "New roof" }, "message", "New roof"],
    ["Service Type", { "Service Type": "Plumbing" }, "service", "Plumbing"],
    ["lead_source", { lead_source: "Angi" }, "source", "Angi"],
    ["consent_text", { consent_text: "I agree to receive texts" }, "consentText", "I agree to receive texts"],
  ])("%s", (_label, body, field, expected) => {
    const lead = normalizeFormFields(body) as unknown as Record<string, unknown>;
    expect(lead[field]).toBe(expected);
    expect(lead.extra).toEqual({});
  });
});

describe("normalizeFormFields: name", () => {
  it.each([
    ["HubSpot firstname + lastname", { firstname: "Jane", lastname: "Doe" }, "Jane Doe"],
    ["Gravity First Name + Last Name", { "First Name": "Jane", "Last Name": "Doe" }, "Jane Doe"],
    ["first_name only", { first_name: "Jane" }, "Jane"],
    ["last_name only", { last_name: "Doe" }, "Doe"],
    ["full name wins over first + last", { name: "J. Doe", first_name: "Jane", last_name: "Doe" }, "J. Doe"],
    ["values are trimmed", { firstname: "  Jane ", lastname: " Doe  " }, "Jane Doe"],
    ["no name fields", { email: "jane@example.com" }, undefined],
    ["blank name", { name: "   " }, undefined],
  ])("%s", (_label, body, expected) => {
    expect(normalizeFormFields(body).name).toBe(expected);
  });

  it.each([
    ["a link as first name", { first_name: "evil.example/refund-claim" }, "evil.example/refund-claim"],
    ["a link as full name", { name: "Visit evil.example now" }, "Visit evil.example now"],
    ["a long name", { name: "x".repeat(300) }, "x".repeat(200)],
  ])("%s is no name: kept only as typed (200 characters at most), for the office", (_label, body, typed) => {
    const lead = normalizeFormFields(body);
    expect(lead.name).toBeUndefined();
    expect(lead.rawName).toBe(typed);
  });

  it("a plausible name has no rawName", () => {
    expect(normalizeFormFields({ name: "Maria Lopez" }).rawName).toBeUndefined();
  });
});

describe("normalizeFormFields: phone", () => {
  it.each([
    ["(212) 555-0123", "+12125550123", undefined],
    ["+1 212 555 0123", "+12125550123", undefined],
    ["1-212-555-0123", "+12125550123", undefined],
    ["+44 20 7946 0958", "+442079460958", undefined],
    ["call me", undefined, "call me"],
    ["555-0100", undefined, "555-0100"],
    ["  123  ", undefined, "123"],
  ])("%j -> phone %s, rawPhone %s", (raw, phone, rawPhone) => {
    const lead = normalizeFormFields({ phone: raw });
    expect(lead.phone).toBe(phone);
    expect(lead.rawPhone).toBe(rawPhone);
  });

  it.each([
    ["absent", {}],
    ["blank", { phone: "   " }],
  ])("%s phone -> both undefined", (_label, body) => {
    const lead = normalizeFormFields(body);
    expect(lead.phone).toBeUndefined();
    expect(lead.rawPhone).toBeUndefined();
  });

  it("accepts a numeric phone value", () => {
    expect(normalizeFormFields({ phone: 2125550123 }).phone).toBe("+12125550123");
  });
});

describe("normalizeFormFields: email", () => {
  it.each([
    ["Jane@Example.COM", "jane@example.com"],
    ["  jane@example.com  ", "jane@example.com"],
    ["jane.doe+roof@sub.example.co.uk", "jane.doe+roof@sub.example.co.uk"],
    ["not-an-email", undefined],
    ["jane@example", undefined],
    ["jane doe@example.com", undefined],
    ["@example.com", undefined],
  ])("%j -> %s", (raw, expected) => {
    const lead = normalizeFormFields({ email: raw });
    expect(lead.email).toBe(expected);
    // an invalid email is dropped, not moved to extra
    expect(lead.extra).toEqual({});
  });
});

describe("normalizeFormFields: zip", () => {
  it.each([
    ["10001", "10001"],
    ["10001-1234", "10001"],
    [" 90210-0001 ", "90210"],
    ["k1a 0b1", "K1A 0B1"],
    ["abcdefghijkl", "ABCDEFGHIJ"], // not a US zip: upper-cased, capped at 10
  ])("%j -> %j", (raw, expected) => {
    expect(normalizeFormFields({ zip: raw }).zip).toBe(expected);
  });

  it("accepts a numeric zip", () => {
    expect(normalizeFormFields({ zip_code: 10001 }).zip).toBe("10001");
  });

  it("absent zip -> undefined", () => {
    expect(normalizeFormFields({}).zip).toBeUndefined();
  });
});

describe("normalizeFormFields: consent", () => {
  it.each([
    ["on", true],
    ["yes", true],
    ["Yes", true],
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["y", true],
    ["checked", true],
    ["I agree", true],
    [true, true],
    [1, true],
    ["no", false],
    ["false", false],
    ["0", false],
    ["off", false],
    ["", false],
    [false, false],
    [0, false],
  ] as const)("%j -> %s", (value, expected) => {
    expect(normalizeFormFields({ sms_consent: value }).consent).toBe(expected);
  });

  it("absent consent -> false", () => {
    expect(normalizeFormFields({ name: "Jane" }).consent).toBe(false);
  });

  it.each([["consent"], ["tcpa_consent"], ["Opt-In"], ["accept_sms"], ["agree"]])("%s is a consent alias", (k) => {
    expect(normalizeFormFields({ [k]: "yes" }).consent).toBe(true);
  });
});

describe("normalizeFormFields: extra", () => {
  it.each([
    ["string", { "Roof Age": "15 years" }, { "Roof Age": "15 years" }],
    ["number", { budget: 5000 }, { budget: "5000" }],
    ["boolean true", { has_hoa: true }, { has_hoa: "true" }],
    ["boolean false", { has_hoa: false }, { has_hoa: "false" }],
    ["array joined", { rooms: ["kitchen", "bath", 2] }, { rooms: "kitchen, bath, 2" }],
    ["array drops nested objects", { rooms: ["kitchen", { a: 1 }, "bath"] }, { rooms: "kitchen, bath" }],
    ["empty array dropped", { rooms: [] }, {}],
    ["nested object dropped", { meta: { a: 1 } }, {}],
    ["null dropped", { meta: null }, {}],
    ["blank string dropped", { note2: "   " }, {}],
    ["string trimmed", { note2: "  hi  " }, { note2: "hi" }],
    ["original key preserved", { "Best Time To Call": "Evening" }, { "Best Time To Call": "Evening" }],
  ])("%s", (_label, body, expected) => {
    expect(normalizeFormFields(body as Record<string, unknown>).extra).toEqual(expected);
  });

  it("keeps unknown fields alongside known ones", () => {
    const lead = normalizeFormFields({ name: "Jane", phone: "2125550123", "Roof Age": "15", budget: 9000 });
    expect(lead.name).toBe("Jane");
    expect(lead.phone).toBe("+12125550123");
    expect(lead.extra).toEqual({ "Roof Age": "15", budget: "9000" });
  });

  it("caps extra values at 5000 characters", () => {
    expect(normalizeFormFields({ essay: "a".repeat(6000) }).extra.essay).toHaveLength(5000);
  });
});

describe("normalizeFormFields: attribution", () => {
  it("reads utm_*, click ids, landing page, referrer and form id", () => {
    const lead = normalizeFormFields({
      utm_source: "google",
      utm_medium: "cpc",
      utm_campaign: "spring-roofing",
      utm_term: "roof repair",
      utm_content: "ad-1",
      gclid: "Cj0KCQ",
      fbclid: "IwAR0",
      msclkid: "abc123",
      landing_page: "https://acme.com/roofing",
      referrer: "https://www.google.com/",
      form_id: "contact-1",
    });
    expect(lead.attribution).toEqual({
      utm: { source: "google", medium: "cpc", campaign: "spring-roofing", term: "roof repair", content: "ad-1" },
      gclid: "Cj0KCQ",
      fbclid: "IwAR0",
      msclkid: "abc123",
      landingPage: "https://acme.com/roofing",
      referrer: "https://www.google.com/",
      formId: "contact-1",
    });
    expect(lead.extra).toEqual({});
  });

  it.each([
    ["landing_page", { landing_page: "https://a.com/x" }, "landingPage", "https://a.com/x"],
    ["page_url", { page_url: "https://a.com/x" }, "landingPage", "https://a.com/x"],
    ["Page URL", { "Page URL": "https://a.com/x" }, "landingPage", "https://a.com/x"],
    ["source_url", { source_url: "https://a.com/x" }, "landingPage", "https://a.com/x"],
    ["referrer", { referrer: "https://b.com/" }, "referrer", "https://b.com/"],
    ["referer", { referer: "https://b.com/" }, "referrer", "https://b.com/"],
    ["form_id", { form_id: "7" }, "formId", "7"],
    ["form_name", { form_name: "Quote" }, "formId", "Quote"],
    ["numeric form_id", { form_id: 7 }, "formId", "7"],
    ["gclid", { gclid: "g1" }, "gclid", "g1"],
    ["fbclid", { fbclid: "f1" }, "fbclid", "f1"],
    ["msclkid", { msclkid: "m1" }, "msclkid", "m1"],
  ])("%s", (_label, body, field, expected) => {
    const lead = normalizeFormFields(body);
    expect((lead.attribution as Record<string, unknown>)[field]).toBe(expected);
  });

  it.each([
    ["utm_source", "source"],
    ["utm_medium", "medium"],
    ["utm_campaign", "campaign"],
    ["utm_term", "term"],
    ["utm_content", "content"],
    ["UTM Source", "source"],
    ["utm-campaign", "campaign"],
  ] as const)("%s -> attribution.utm.%s", (k, field) => {
    expect(normalizeFormFields({ [k]: "v" }).attribution.utm?.[field]).toBe("v");
  });

  it("no attribution fields -> all undefined", () => {
    const a = normalizeFormFields({ name: "Jane" }).attribution;
    expect(a.gclid).toBeUndefined();
    expect(a.landingPage).toBeUndefined();
    expect(a.utm?.source).toBeUndefined();
  });
});

describe("normalizeFormFields: submission id", () => {
  it.each([
    ["id", { id: "abc" }, "abc"],
    ["lead_id", { lead_id: "L-1" }, "L-1"],
    ["submission_id", { submission_id: "S-1" }, "S-1"],
    ["entry_id", { entry_id: 42 }, "42"],
    ["Entry ID", { "Entry ID": "E-1" }, "E-1"],
    ["response_id", { response_id: "R-1" }, "R-1"],
    ["none", { name: "Jane" }, undefined],
  ])("%s -> %s", (_label, body, expected) => {
    expect(normalizeFormFields(body).id).toBe(expected);
  });

  it("truncates an id to 200 characters", () => {
    expect(normalizeFormFields({ id: "i".repeat(250) }).id).toBe("i".repeat(200));
  });
});

describe("normalizeFormFields: the first alias wins", () => {
  it.each([
    ["phone then mobile", { phone: "2125550123", mobile: "3125550123" }, "phone", "+12125550123"],
    ["mobile then phone", { mobile: "3125550123", phone: "2125550123" }, "phone", "+13125550123"],
    ["email then your-email", { email: "a@example.com", "your-email": "b@example.com" }, "email", "a@example.com"],
    ["message then comments", { message: "first", comments: "second" }, "message", "first"],
    ["landing_page then page_url", { landing_page: "https://a.com/1", page_url: "https://a.com/2" }, "landingPage", "https://a.com/1"],
    ["id then entry_id", { id: "1", entry_id: "2" }, "id", "1"],
    ["blank first alias is skipped", { phone: "  ", mobile: "2125550123" }, "phone", "+12125550123"],
  ])("%s", (_label, body, field, expected) => {
    const lead = normalizeFormFields(body);
    const value = field === "landingPage" ? lead.attribution.landingPage : (lead as unknown as Record<string, unknown>)[field];
    expect(value).toBe(expected);
    // the losing alias is neither used nor leaked into extra
    expect(lead.extra).toEqual({});
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseProfile, ProfileError } from "../../src/config/parse-profile.ts";

const MINIMAL = "slug: acme-plumbing\nname: Acme Plumbing\ntimezone: America/New_York\n";

/** MINIMAL plus extra YAML lines. */
const withLines = (...lines: string[]) => MINIMAL + lines.map((l) => `${l}\n`).join("");

describe("parseProfile: a minimal profile gets the defaults", () => {
  const p = parseProfile(MINIMAL);

  it.each([
    ["slug", p.slug, "acme-plumbing"],
    ["name", p.name, "Acme Plumbing"],
    ["timezone", p.timezone, "America/New_York"],
    ["textBack.windowMinutes", p.textBack.windowMinutes, 30],
    ["textBack.enabled", p.textBack.enabled, true],
    ["messaging.mps", p.messaging.mps, 1],
    ["ringSeconds", p.ringSeconds, 20],
    ["phoneNumbers", p.phoneNumbers, []],
    ["forwardTo", p.forwardTo, []],
    ["numberSources", p.numberSources, {}],
    ["services", p.services, []],
    ["hours", p.hours, {}],
    ["voice.ringAfterHours", p.voice.ringAfterHours, false],
    ["compliance.quietHours", p.compliance.quietHours, { start: "08:00", end: "21:00" }],
    ["compliance.maxProactivePerDay", p.compliance.maxProactivePerDay, 3],
    ["templates", p.templates, {}],
    ["booking", p.booking, undefined],
  ])("%s", (_field, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe("parseProfile: values given are kept and phone numbers normalised to E.164", () => {
  it.each([
    ['phoneNumbers: ["(555) 555-0100"]', (p: ReturnType<typeof parseProfile>) => p.phoneNumbers, ["+15555550100"]],
    ['phoneNumbers: ["+1 555 555 0100", "212.555.0123"]', (p: ReturnType<typeof parseProfile>) => p.phoneNumbers, ["+15555550100", "+12125550123"]],
    ['forwardTo: ["555-555-0199"]', (p: ReturnType<typeof parseProfile>) => p.forwardTo, ["+15555550199"]],
    [
      'phoneNumbers: ["+15555550100"]\nnumberSources: { "(555) 555-0100": google-lsa }',
      (p: ReturnType<typeof parseProfile>) => p.numberSources,
      { "+15555550100": "google-lsa" },
    ],
    ["ringSeconds: 30", (p: ReturnType<typeof parseProfile>) => p.ringSeconds, 30],
    ["textBack: { windowMinutes: 10 }", (p: ReturnType<typeof parseProfile>) => p.textBack, { enabled: true, windowMinutes: 10, maxAgeMinutes: 120 }],
    ["messaging: { mps: 4 }", (p: ReturnType<typeof parseProfile>) => p.messaging.mps, 4],
    [
      'hours: { mon: ["08:00-17:00"], sun: ["00:00-24:00"] }',
      (p: ReturnType<typeof parseProfile>) => [p.hours.mon, p.hours.sun],
      [["08:00-17:00"], ["00:00-24:00"]],
    ],
  ] as const)("%s", (yaml, pick, expected) => {
    expect(pick(parseProfile(withLines(yaml)))).toEqual(expected);
  });

  it("parses the shipped example profile", () => {
    const p = parseProfile(readFileSync(new URL("../../examples/acme-plumbing.yaml", import.meta.url), "utf8"));
    expect(p.slug).toBe("acme-plumbing");
    expect(p.numberSources).toEqual({ "+15555550100": "google-lsa" });
    expect(p.hours.fri).toEqual(["08:00-16:00"]);
  });
});

describe("parseProfile: errors name the field", () => {
  it.each([
    ["bad timezone", "slug: acme\nname: Acme\ntimezone: Mars/Olympus_Mons\n", /^timezone:/],
    ["missing timezone", "slug: acme\nname: Acme\n", /^timezone:/],
    ["bad phone number", withLines('phoneNumbers: ["hello"]'), /^phoneNumbers\.0: "hello" is not a valid phone number/],
    ["second phone number bad", withLines('phoneNumbers: ["+15555550100", "123"]'), /^phoneNumbers\.1:/],
    ["bad forwardTo number", withLines('forwardTo: ["call me"]'), /^forwardTo\.0:/],
    ["hours range 9-5", withLines('hours: { mon: ["9-5"] }'), /^hours\.mon\.0: must be "HH:MM-HH:MM"/],
    ["hours range ending before it starts", withLines('hours: { tue: ["08:00-17:00", "17:00-08:00"] }'), /^hours\.tue\.1: must end after it starts/],
    ["hours range with 25:00", withLines('hours: { wed: ["08:00-25:00"] }'), /^hours\.wed\.0:/],
    [
      "numberSources key not in phoneNumbers",
      withLines('phoneNumbers: ["+15555550100"]', 'numberSources: { "+15555550199": google-lsa }'),
      /^numberSources\.\+15555550199: not one of phoneNumbers/,
    ],
    ["numberSources without any phoneNumbers", withLines('numberSources: { "+15555550100": google-lsa }'), /numberSources/],
    ["numberSources key not a phone number", withLines('numberSources: { "nope": google-lsa }'), /^numberSources:.*"nope" is not a valid phone number/],
    ["bad slug", "slug: Acme Plumbing\nname: Acme\ntimezone: America/New_York\n", /^slug:/],
    ["missing name", "slug: acme\ntimezone: America/New_York\n", /^name:/],
    ["ringSeconds too small", withLines("ringSeconds: 2"), /^ringSeconds:/],
    ["mps out of range", withLines("messaging: { mps: 0 }"), /^messaging\.mps:/],
    ["windowMinutes not a number", withLines("textBack: { windowMinutes: soon }"), /^textBack\.windowMinutes:/],
    ["quiet hours not HH:MM", withLines('compliance: { quietHours: { start: "8am", end: "21:00" } }'), /^compliance\.quietHours\.start:/],
    ["invalid YAML", "slug: acme\nname: [\n", /^not valid YAML/],
    ["empty document", "", /^profile:/],
    ["a list instead of a mapping", "- slug: acme\n", /^profile:/],
  ])("%s", (_name, yaml, message) => {
    expect(() => parseProfile(yaml)).toThrow(ProfileError);
    expect(() => parseProfile(yaml)).toThrow(message);
  });

  it.each([["slug: acme\nname: [\n"], ["a: b: c\n"], ["key: 'unterminated\n"]])("YAML error %j is one line", (yaml) => {
    expect(() => parseProfile(yaml)).toThrow(/^not valid YAML: [^\n]*$/);
  });
});

describe("hour ranges end no later than 24:00", () => {
  it.each(["08:00-24:30", "08:00-25:00"])("%s is refused", (range) => {
    expect(() => parseProfile(`slug: acme\nname: Acme\ntimezone: America/New_York\nhours: { mon: ["${range}"] }\n`)).toThrow(/^hours\.mon\.0:/);
  });
  it("00:00-24:00 is a whole day", () => {
    expect(parseProfile(`slug: acme\nname: Acme\ntimezone: America/New_York\nhours: { sat: ["00:00-24:00"] }\n`).hours.sat).toEqual(["00:00-24:00"]);
  });
});

describe("profile secrets: empty or placeholder values are refused, naming the field", () => {
  const META = { pageId: '"1122334455"', pageAccessToken: "EAAB-page-token", appSecret: "meta-app-secret", verifyToken: "meta-verify-me" };
  const meta = (over: Partial<typeof META>) =>
    `meta: { ${Object.entries({ ...META, ...over })
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ")} }`;
  const PLACEHOLDER = "is a placeholder (like CHANGE-ME): put the real value here or remove the field";

  it.each([
    ["forms.token CHANGE-ME", "forms: { token: CHANGE-ME }", `forms.token: ${PLACEHOLDER}`],
    ["forms.token CHANGE-ME-please", "forms: { token: CHANGE-ME-please }", `forms.token: ${PLACEHOLDER}`],
    ["forms.token empty", 'forms: { token: "" }', "forms.token: must not be empty"],
    ["forms.token blank", 'forms: { token: "   " }', "forms.token: must not be empty"],
    ["forms.token too short", "forms: { token: abc123 }", "forms.token: must be at least 8 characters"],
    ["forms.googleKey CHANGE-ME", "forms: { token: acme-form-token-3f9c1e7a, googleKey: CHANGE-ME }", `forms.googleKey: ${PLACEHOLDER}`],
    ["forms.googleKey empty", 'forms: { googleKey: "" }', "forms.googleKey: must not be empty"],
    ["events.secret CHANGE-ME", "events: { secret: CHANGE-ME }", `events.secret: ${PLACEHOLDER}`],
    ["events.secret empty", 'events: { secret: "" }', "events.secret: must not be empty"],
    [
      "events.secret of 23 characters",
      "events: { secret: 0123456789abcdef0123456 }",
      "events.secret: must be at least 24 characters (e.g. openssl rand -hex 16)",
    ],
    [
      "events.secret equal to forms.token",
      "forms: { token: acme-form-token-3f9c1e7a0b1c2d3e }\nevents: { secret: acme-form-token-3f9c1e7a0b1c2d3e }",
      "events.secret: must differ from forms.token (the form token is visible in website code)",
    ],
    ["meta.appSecret CHANGE-ME", meta({ appSecret: "CHANGE-ME" }), `meta.appSecret: ${PLACEHOLDER}`],
    ["meta.appSecret empty", meta({ appSecret: '""' }), "meta.appSecret: must not be empty"],
    ["meta.verifyToken changeme", meta({ verifyToken: "changeme" }), `meta.verifyToken: ${PLACEHOLDER}`],
    ["meta.verifyToken secret", meta({ verifyToken: "secret" }), `meta.verifyToken: ${PLACEHOLDER}`],
    ["meta.pageAccessToken your-…-here", meta({ pageAccessToken: "your-page-access-token-here" }), `meta.pageAccessToken: ${PLACEHOLDER}`],
    ["meta.pageAccessToken xxxx", meta({ pageAccessToken: "xxxxxxxx" }), `meta.pageAccessToken: ${PLACEHOLDER}`],
    ["meta.pageId empty", meta({ pageId: '""' }), "meta.pageId: must not be empty"],
  ])("%s", (_name, yaml, message) => {
    expect(() => parseProfile(withLines(yaml))).toThrow(ProfileError);
    expect(() => parseProfile(withLines(yaml))).toThrow(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  });

  it("the CONTRACT's meta block with CHANGE-ME secrets is refused", () => {
    expect(() => parseProfile(withLines('meta: { pageId: "123", pageAccessToken: CHANGE-ME, appSecret: CHANGE-ME, verifyToken: CHANGE-ME }'))).toThrow(
      /^meta\.pageAccessToken: is a placeholder/,
    );
  });

  it("real-looking secrets are kept", () => {
    const p = parseProfile(withLines("forms: { token: acme-form-token-3f9c1e7a, googleKey: g00gle-key-81 }", meta({})));
    expect(p.forms).toEqual({ token: "acme-form-token-3f9c1e7a", googleKey: "g00gle-key-81" });
    expect(p.meta).toEqual({ ...META, pageId: "1122334455" });
  });

  it("an events secret of 24 characters is kept", () => {
    expect(parseProfile(withLines("events: { secret: 0123456789abcdef01234567 }")).events).toEqual({ secret: "0123456789abcdef01234567" });
  });

  it("the shipped example has no placeholder secrets", () => {
    const p = parseProfile(readFileSync(new URL("../../examples/acme-plumbing.yaml", import.meta.url), "utf8"));
    expect(p.forms?.token).toBeTruthy();
    expect(p.forms?.googleKey).toBeTruthy();
    expect(p.events?.secret).toBeTruthy();
  });
});

describe("compliance.quietHours: start before end, no window across midnight", () => {
  it.each([
    ["21:00", "08:00"],
    ["22:00", "06:00"],
    ["09:00", "09:00"],
    ["08:01", "08:00"],
  ])("%s-%s is refused", (start, end) => {
    expect(() => parseProfile(withLines(`compliance: { quietHours: { start: "${start}", end: "${end}" } }`))).toThrow(
      /^compliance\.quietHours: start must be before end \(the window may not cross midnight\)$/,
    );
  });

  it.each([
    ["08:00", "21:00"],
    ["00:00", "23:59"],
    ["09:00", "09:01"],
  ])("%s-%s is accepted", (start, end) => {
    expect(parseProfile(withLines(`compliance: { quietHours: { start: "${start}", end: "${end}" } }`)).compliance.quietHours).toEqual({ start, end });
  });
});

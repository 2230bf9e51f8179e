import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../src/lib/render-template.ts";

const VARS = { business: "Acme Plumbing", name: "Sam" };

describe("renderTemplate", () => {
  it.each([
    ["replaces {{business}}", "Hi, this is {{business}}.", VARS, "Hi, this is Acme Plumbing."],
    ["tolerates spaces inside the braces", "Hi, this is {{ business }}.", VARS, "Hi, this is Acme Plumbing."],
    ["tolerates uneven spaces", "{{business }} / {{  business}}", VARS, "Acme Plumbing / Acme Plumbing"],
    ["replaces every occurrence", "{{business}}: thanks for calling {{business}}!", VARS, "Acme Plumbing: thanks for calling Acme Plumbing!"],
    ["replaces several variables", "Hi {{name}}, this is {{business}}.", VARS, "Hi Sam, this is Acme Plumbing."],
    ["removes an unknown placeholder", "Hi{{customer}}, this is {{business}}.", VARS, "Hi, this is Acme Plumbing."],
    ["collapses the double space an unknown placeholder leaves", "Hi {{customer}} this is {{business}}", VARS, "Hi this is Acme Plumbing"],
    ["trims a removed placeholder at the start", "{{greeting}} Thanks for calling {{business}}", VARS, "Thanks for calling Acme Plumbing"],
    ["trims a removed placeholder at the end", "Thanks for calling {{business}} {{signature}}", VARS, "Thanks for calling Acme Plumbing"],
    ["removes placeholders when no vars are given", "Hi {{name}} from {{business}}", {}, "Hi from"],
    ["collapses double spaces in the template itself", "Hi,   this is  {{business}}.", VARS, "Hi, this is Acme Plumbing."],
    ["collapses double spaces inside a value", "This is {{business}}.", { business: "Acme   Plumbing" }, "This is Acme Plumbing."],
    ["keeps newlines", "Hi!\n\nThis is {{business}}.", VARS, "Hi!\n\nThis is Acme Plumbing."],
    ["inserts $ patterns in a value literally", "This is {{business}}.", { business: "$& $1 Co" }, "This is $& $1 Co."],
    ["does not re-expand a placeholder inside a value", "This is {{business}}.", { business: "{{name}}" }, "This is {{name}}."],
    ["leaves single braces alone", "This is {business}.", VARS, "This is {business}."],
    ["leaves a template without placeholders alone", "Sorry we missed your call!", VARS, "Sorry we missed your call!"],
  ])("%s", (_name, template, vars: Record<string, string>, expected) => {
    expect(renderTemplate(template, vars)).toBe(expected);
  });
});

describe("placeholders with dashes", () => {
  it("are removed rather than reaching a customer", () => {
    expect(renderTemplate("Hi {{bad-key}} there", {})).toBe("Hi there");
  });
});

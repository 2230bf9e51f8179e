import { describe, expect, it } from "vitest";
import { mergeContactRow } from "../../src/contacts/merge-contact-row.ts";
import { parseContactRow, type ContactFields, type ContactRow } from "../../src/contacts/parse-contact-row.ts";
import { pickPhoneRegion } from "../../src/contacts/pick-phone-region.ts";
import { readContactHeader } from "../../src/contacts/read-contact-header.ts";

describe("parseContactRow: good rows", () => {
  it.each<[string, ContactFields, ContactRow]>([
    ["US number with punctuation", { phone: "(212) 555-0123" }, { phone: "+12125550123", tags: [] }],
    ["E.164 kept", { phone: "+12125550123" }, { phone: "+12125550123", tags: [] }],
    ["foreign number in E.164", { phone: "+44 20 7123 4567" }, { phone: "+442071234567", tags: [] }],
    ["padded phone", { phone: "  212.555.0123 " }, { phone: "+12125550123", tags: [] }],
    ["name", { phone: "2125550123", name: " Jane   Doe " }, { phone: "+12125550123", name: "Jane Doe", tags: [] }],
    ["first + last", { phone: "2125550123", firstName: "Jane", lastName: "Doe" }, { phone: "+12125550123", name: "Jane Doe", tags: [] }],
    ["first only", { phone: "2125550123", firstName: "Jane" }, { phone: "+12125550123", name: "Jane", tags: [] }],
    ["name wins over first/last", { phone: "2125550123", name: "J. Doe", firstName: "Jane" }, { phone: "+12125550123", name: "J. Doe", tags: [] }],
    ["email lower-cased", { phone: "2125550123", email: "Jane@Example.COM" }, { phone: "+12125550123", email: "jane@example.com", tags: [] }],
    ["ZIP+4 to 5 digits", { phone: "2125550123", zip: "10001-1234" }, { phone: "+12125550123", zip: "10001", tags: [] }],
    ["Canadian postal code upper-cased", { phone: "2125550123", zip: "m5v 2t6" }, { phone: "+12125550123", zip: "M5V 2T6", tags: [] }],
    ["last job date", { phone: "2125550123", lastJobDate: "2024-02-29" }, { phone: "+12125550123", lastJobDate: "2024-02-29", tags: [] }],
    [
      "tags split, trimmed, lower-cased, deduped",
      { phone: "2125550123", tags: " VIP; gold ;;vip; Water Heater" },
      { phone: "+12125550123", tags: ["vip", "gold", "water heater"] },
    ],
    ["empty optional cells", { phone: "2125550123", name: "", email: " ", zip: "", lastJobDate: "", tags: "" }, { phone: "+12125550123", tags: [] }],
  ])("%s", (_label, fields, row) => {
    expect(parseContactRow(fields, "US")).toEqual({ ok: true, row });
  });

  it("a number without +code belongs to the business's region", () => {
    expect(parseContactRow({ phone: "020 7123 4567" }, "GB")).toEqual({ ok: true, row: { phone: "+442071234567", tags: [] } });
  });
});

describe("parseContactRow: bad rows name the reason", () => {
  it.each<[string, ContactFields, string]>([
    ["no phone column value", { name: "Jane" }, "no phone"],
    ["blank phone", { phone: "   ", name: "Jane" }, "no phone"],
    ["too short", { phone: "12345" }, 'invalid phone "12345"'],
    ["letters", { phone: "call me" }, 'invalid phone "call me"'],
    ["bad email", { phone: "2125550123", email: "jane@" }, 'invalid email "jane@"'],
    ["bad zip", { phone: "2125550123", zip: "1" }, 'invalid zip "1"'],
    ["zip with symbols", { phone: "2125550123", zip: "10001!" }, 'invalid zip "10001!"'],
    ["US date format", { phone: "2125550123", lastJobDate: "03/04/2024" }, 'bad last_job_date "03/04/2024" (use YYYY-MM-DD)'],
    ["month 13", { phone: "2125550123", lastJobDate: "2024-13-01" }, 'bad last_job_date "2024-13-01" (use YYYY-MM-DD)'],
    ["Feb 30", { phone: "2125550123", lastJobDate: "2023-02-30" }, 'bad last_job_date "2023-02-30" (use YYYY-MM-DD)'],
    ["not leap year", { phone: "2125550123", lastJobDate: "2023-02-29" }, 'bad last_job_date "2023-02-29" (use YYYY-MM-DD)'],
    ["date with time", { phone: "2125550123", lastJobDate: "2024-01-01T10:00" }, 'bad last_job_date "2024-01-01T10:00" (use YYYY-MM-DD)'],
    ["overlong tag", { phone: "2125550123", tags: "x".repeat(51) }, `tag "${"x".repeat(20)}…" is longer than 50 characters`],
  ])("%s", (_label, fields, reason) => {
    expect(parseContactRow(fields, "US")).toEqual({ ok: false, reason });
  });
});

describe("readContactHeader", () => {
  it.each<[string, string[], (string | undefined)[]]>([
    ["the documented header", ["name", "phone", "email", "zip", "last_job_date", "tags"], ["name", "phone", "email", "zip", "lastJobDate", "tags"]],
    ["case-insensitive", ["NAME", "Phone", "EMAIL", "Zip", "Last_Job_Date", "TAGS"], ["name", "phone", "email", "zip", "lastJobDate", "tags"]],
    [
      "spreadsheet names",
      ["First Name", "Last Name", "Mobile", "E-mail", "Postal Code", "Last Job Date"],
      ["firstName", "lastName", "phone", "email", "zip", "lastJobDate"],
    ],
    ["cell, zip_code, email_address", ["cell", "zip_code", "email_address"], ["phone", "zip", "email"]],
    ["camelCase", ["phoneNumber", "lastJobDate", "firstName"], ["phone", "lastJobDate", "firstName"]],
    ["unknown columns ignored", ["phone", "notes", ""], ["phone", undefined, undefined]],
  ])("%s", (_label, header, columns) => {
    const r = readContactHeader(header);
    expect(r.ok && r.header.columns).toEqual(columns);
  });

  it("lists the columns it ignores", () => {
    const r = readContactHeader(["phone", " Notes ", "balance"]);
    expect(r.ok && r.header.ignored).toEqual(["Notes", "balance"]);
  });

  it.each<[string, string[], RegExp]>([
    ["no phone column", ["name", "email"], /^header: no phone column \(expected one of phone, /],
    ["two phone columns", ["phone", "mobile"], /^header: "mobile" and "phone" both give the phone$/],
    ["two zips", ["phone", "zip", "postal_code"], /^header: "postal_code" and "zip" both give the zip$/],
  ])("refuses %s", (_label, header, error) => {
    const r = readContactHeader(header);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });
});

describe("mergeContactRow: one phone twice in a file", () => {
  const base: ContactRow = { phone: "+12125550123", tags: [] };
  it.each<[string, ContactRow, ContactRow, ContactRow]>([
    ["first name kept", { ...base, name: "Ann" }, { ...base, name: "Ann Lee" }, { ...base, name: "Ann" }],
    ["missing filled", base, { ...base, name: "Ann", email: "a@x.com", zip: "10001" }, { ...base, name: "Ann", email: "a@x.com", zip: "10001" }],
    ["later date wins (second)", { ...base, lastJobDate: "2023-05-01" }, { ...base, lastJobDate: "2024-01-01" }, { ...base, lastJobDate: "2024-01-01" }],
    ["later date wins (first)", { ...base, lastJobDate: "2024-01-01" }, { ...base, lastJobDate: "2023-05-01" }, { ...base, lastJobDate: "2024-01-01" }],
    ["one date only", base, { ...base, lastJobDate: "2023-05-01" }, { ...base, lastJobDate: "2023-05-01" }],
    ["tags united in order", { ...base, tags: ["vip", "gold"] }, { ...base, tags: ["gold", "furnace"] }, { ...base, tags: ["vip", "gold", "furnace"] }],
  ])("%s", (_label, a, b, merged) => {
    expect(mergeContactRow(a, b)).toEqual(merged);
  });
});

describe("pickPhoneRegion", () => {
  it.each<[string, string[], string]>([
    ["a New York number", ["+12125550100"], "US"],
    ["a Toronto number", ["+14165550100"], "CA"],
    ["a London number", ["+442071234567"], "GB"],
    ["no number", [], "US"],
    ["a fictional 555 number first, a real one next", ["+15555550100", "+14165550100"], "CA"],
  ])("%s", (_label, numbers, region) => {
    expect(pickPhoneRegion(numbers)).toBe(region);
  });
});

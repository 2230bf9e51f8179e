// Issue 9 item 2: prompt files (front matter + Markdown with {{variables}}), located by line, and
// rendered from a business profile.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPrompt, parsePrompt, PromptError, PROMPTS_DIR } from "../../src/agent/prompts/load-prompt.ts";
import { PROMPT_VARIABLES, promptVariables, renderPrompt } from "../../src/agent/prompts/render-prompt.ts";
import { parseProfile } from "../../src/config/parse-profile.ts";
import { PACKAGE_ROOT } from "../../src/db/open-database.ts";

const dir = mkdtempSync(join(tmpdir(), "leadline-prompt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const acme = parseProfile(readFileSync(join(PACKAGE_ROOT, "examples/acme-plumbing.yaml"), "utf8"));
const NOW = new Date("2026-12-01T14:41:00Z"); // Tuesday 9:41 AM in New York
const CONTRACT_TOOLS = [
  "check_service_area",
  "find_slots",
  "book_appointment",
  "reschedule_appointment",
  "cancel_appointment",
  "update_lead",
  "handoff_to_human",
];

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

function promptError(fn: () => unknown): PromptError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PromptError);
    return e as PromptError;
  }
  throw new Error("expected a PromptError");
}

describe("loadPrompt on the shipped prompts/system.md", () => {
  const prompt = loadPrompt();
  const lines = readFileSync(join(PROMPTS_DIR, "system.md"), "utf8").split("\n");

  it("reads the front matter: model, temperature, a two-segment reply budget, tool steps, every contract tool", () => {
    expect(prompt.file).toBe(join(PROMPTS_DIR, "system.md"));
    expect(prompt.frontMatter).toMatchObject({ model: "gpt-4o-mini", temperature: 0.3, maxReplyChars: 300, maxToolSteps: 4 });
    expect([...prompt.frontMatter.tools].sort()).toEqual([...CONTRACT_TOOLS].sort());
  });

  it("maps each variable to the file lines it is on (front matter counted)", () => {
    expect([...prompt.variables.keys()].sort()).toEqual([...PROMPT_VARIABLES].sort());
    for (const [name, at] of prompt.variables) {
      for (const line of at) expect(lines[line - 1]).toContain(`{{${name}}}`);
    }
    expect(lines[prompt.bodyStartLine - 2]).toBe("---");
    expect(prompt.malformed).toEqual([]);
  });

  it("puts the stable part first and {{today}} last (provider prompt caching)", () => {
    const facts = lines.findIndex((l) => l.startsWith("# BUSINESS FACTS")) + 1;
    const beforeFacts = [...prompt.variables].filter(([name, at]) => name !== "max_reply_chars" && at.some((l) => l < facts));
    expect(beforeFacts).toEqual([]);
    const last = Math.max(...[...prompt.variables.values()].flat());
    expect(prompt.variables.get("today")).toEqual([last]);
  });
});

describe("loadPrompt and parsePrompt", () => {
  it("gives the file line of a variable after a front matter of any length", () => {
    const f = write("lines.md", "---\n# a comment\nmodel: m\ntemperature: 0.2\n---\n# Title\n\nHello {{business}}, it is {{ today }}.\n{{business}} again\n");
    const p = loadPrompt(f);
    expect(p.bodyStartLine).toBe(6);
    expect(p.variables.get("business")).toEqual([8, 9]);
    expect(p.variables.get("today")).toEqual([8]);
  });

  it("counts lines the same with CRLF line endings", () => {
    const p = parsePrompt("---\r\nmodel: m\r\n---\r\n\r\nHi {{persona}}\r\n", "crlf.md");
    expect(p.variables.get("persona")).toEqual([5]);
  });

  it("fills defaults for settings left out", () => {
    const p = parsePrompt("---\nmodel: m\n---\nHi\n", "d.md");
    expect(p.frontMatter).toEqual({ model: "m", temperature: 0.3, maxReplyChars: 300, maxToolSteps: 4, tools: [] });
  });

  it("resolves a profile's relative ai.prompt under the prompts folder", () => {
    write("own.md", "---\nmaxToolSteps: 2\n---\nOwn prompt\n");
    expect(loadPrompt("own.md", dir).frontMatter.maxToolSteps).toBe(2);
  });

  it("re-reads a file changed on disk", () => {
    const f = write("changing.md", "---\ntemperature: 0.1\n---\nA\n");
    expect(loadPrompt(f).frontMatter.temperature).toBe(0.1);
    writeFileSync(f, "---\ntemperature: 0.75\n---\nA longer body\n");
    expect(loadPrompt(f).frontMatter.temperature).toBe(0.75);
  });

  it("finds malformed placeholders", () => {
    const p = parsePrompt("---\nmodel: m\n---\nHi {{business}.\nOK {{business}}\nBye }}\n", "m.md");
    expect(p.malformed.map((m) => m.line)).toEqual([4, 6]);
  });

  it.each([
    ["a missing file", () => loadPrompt(join(dir, "nope.md")), 1, /does not exist/],
    ["no front matter", () => parsePrompt("Hello {{business}}\n", "x.md"), 1, /no front matter/],
    ["unclosed front matter", () => parsePrompt("---\nmodel: m\nHello\n", "x.md"), 1, /not closed/],
    ["a setting of the wrong type, at its line", () => parsePrompt("---\nmodel: m\ntemperature: hot\n---\nHi\n", "x.md"), 3, /temperature/],
    [
      "an unknown setting (a typo), at its line",
      () => parsePrompt("---\nmodel: m\n\ntemprature: 0.2\n---\nHi\n", "x.md"),
      4,
      /unknown front matter setting "temprature"/,
    ],
    ["tools that are not a list", () => parsePrompt("---\ntools: find_slots\n---\nHi\n", "x.md"), 2, /tools/],
    ["invalid YAML", () => parsePrompt("---\nmodel: m\ntools: [a, b\n---\nHi\n", "x.md"), 3, /not valid YAML/],
  ])("rejects %s with file:line", (_name, fn, line, message) => {
    const e = promptError(fn);
    expect(e.line).toBe(line);
    expect(e.reason).toMatch(message);
    expect(e.message).toMatch(/^[^:]+:\d+: /);
  });

  it("never evaluates JavaScript front matter", () => {
    const g = globalThis as { leadlinePwned?: boolean };
    const e = promptError(() => parsePrompt("---js\n{ model: (globalThis.leadlinePwned = true, 'm') }\n---\nHi\n", "js.md"));
    expect(e.reason).toMatch(/YAML/);
    expect(g.leadlinePwned).toBeUndefined();
  });
});

describe("promptVariables", () => {
  const v = promptVariables(acme, NOW);

  it("gives each service its price range, or says not to quote one", () => {
    expect(v.services).toContain("Drain cleaning (key: drain-cleaning; about 90 min): $149 to $349");
    expect(v.services).toMatch(/Water heater repair \(key: water-heater; about 120 min\): no price: do not quote/);
  });

  it("fills the business, persona, zone, area, hours, policies and emergencies", () => {
    expect(v).toMatchObject({ business: "Acme Plumbing & Drain", persona: "Sam at Acme", timezone: "America/New_York" });
    expect(v.service_area).toContain("10001, 10002, 10003");
    expect(v.hours).toContain("Mon 08:00-17:00");
    expect(v.hours).toContain("Fri 08:00-16:00; Sat closed; Sun closed");
    expect(v.policies).toMatch(/None stated/);
    expect(v.emergency_rules).toMatch(/gas smell/);
  });

  it("says what day and time it is in the business's zone", () => {
    expect(v.today).toBe("Tuesday, December 1, 2026, 9:41 AM (America/New_York).");
  });

  it("adds the profile's own emergencies, policies, allowed promises and upcoming closed dates", () => {
    const p = parseProfile(
      [
        "slug: boiler-co",
        "name: Boiler Co",
        "timezone: Europe/London",
        "policies: ['Trip fee $59, waived if you book the repair.']",
        "ai: { emergencyPhrases: ['no hot water'], allowedPromises: ['free'] }",
        "booking: { closedDates: ['2026-01-01', '2026-12-25'] }",
        "services: [{ key: boiler, name: Boiler service, durationMinutes: 60, price: { from: 90 } }]",
      ].join("\n"),
    );
    const w = promptVariables(p, NOW);
    expect(w.persona).toBe("the virtual assistant of Boiler Co");
    expect(w.emergency_rules).toContain("no hot water");
    expect(w.policies).toContain("Trip fee $59");
    expect(w.policies).toContain("free");
    expect(w.hours).toContain("Closed on: 2026-12-25.");
    expect(w.hours).not.toContain("2026-01-01");
    expect(w.services).toContain("from $90");
    expect(w.service_area).toMatch(/No ZIP list/);
  });
});

describe("renderPrompt", () => {
  it("renders the shipped prompt for a business: every variable filled, facts at the end", () => {
    const text = renderPrompt(loadPrompt(), promptVariables(acme, NOW));
    expect(text).not.toMatch(/\{\{|\}\}/);
    expect(text).toContain("never more than 300 characters");
    expect(text).toContain("$149 to $349");
    expect(text.endsWith("It is Tuesday, December 1, 2026, 9:41 AM (America/New_York).")).toBe(true);
  });

  it("keeps the stable part byte-identical across businesses and turns", () => {
    const other = parseProfile("slug: beta-hvac\nname: Beta HVAC\ntimezone: America/Chicago\n");
    const stable = (s: string) => s.slice(0, s.indexOf("# BUSINESS FACTS"));
    const a = renderPrompt(loadPrompt(), promptVariables(acme, NOW));
    const b = renderPrompt(loadPrompt(), promptVariables(other, new Date("2027-03-01T00:00:00Z")));
    expect(stable(a).length).toBeGreaterThan(1000);
    expect(stable(a)).toBe(stable(b));
  });

  it("inserts values literally (no second expansion, no $ patterns)", () => {
    const p = parsePrompt("---\nmodel: m\n---\nHi {{business}} / {{persona}}\n", "lit.md");
    expect(renderPrompt(p, { business: "{{persona}} $& Co", persona: "Sam" })).toBe("Hi {{persona}} $& Co / Sam");
  });

  it("throws on an unknown variable, with file:line", () => {
    const p = parsePrompt("---\nmodel: m\n---\nline one\nHi {{customer_name}}\n", "unknown.md");
    const e = promptError(() => renderPrompt(p, promptVariables(acme, NOW)));
    expect(e.message).toBe("unknown.md:5: unknown variable {{customer_name}}");
  });
});

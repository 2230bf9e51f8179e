import { describe, expect, it } from "vitest";
import { loadSequences, parseSequence } from "../../src/sequences/load-sequences.ts";

describe("built-in sequences", () => {
  it("all load, with no problem", () => {
    const { sequences, problems } = loadSequences();
    expect(problems).toEqual([]);
    expect([...sequences.keys()].sort()).toEqual(["appointment-reminder", "new-lead-follow-up", "review-request", "seasonal-reactivation", "unsold-estimate"]);
  });
});

const ok = `name: X
purpose: transactional
trigger: { event: lead.created }
steps:
  - delay: 15m
    template: "Hi {{first_name}}"
`;

describe("parseSequence", () => {
  it("takes a good file, named by its file", () => {
    const r = parseSequence(ok, "/p/sequences/my-follow-up.yaml");
    expect(r.problems).toEqual([]);
    expect(r.sequence?.key).toBe("my-follow-up");
    expect(r.sequence?.steps[0]?.channel).toBe("sms");
  });

  it.each([
    ["not YAML", "name: [oops", 1, /not valid YAML/],
    ["a bad delay, on its line", ok.replace("delay: 15m", "delay: soon"), 5, /steps\.0\.delay: must be a duration/],
    ["an unknown variable, on the template's line", ok.replace("{{first_name}}", "{{firstname}}"), 6, /unknown variable \{\{firstname\}\}/],
    ["both delay and before", ok.replace("delay: 15m", "delay: 15m\n    before: 2h"), 5, /exactly one of delay or before/],
    ["before outside reminders", ok.replace("delay: 15m", "before: 2h"), 5, /only for appointment reminders/],
    ["an unknown trigger", ok.replace("lead.created", "lead.sneezed"), 3, /trigger\.event/],
    ["an unknown key", ok.replace("purpose:", "colour: red\npurpose:"), 1, /colour/],
    ["hours the wrong way round", ok.replace("delay: 15m", 'delay: 15m\n    hours: "18:00-09:00"'), 6, /start must be before end/],
    [
      "marketing without opt-out wording",
      ok.replace("transactional", "marketing").replace("trigger: { event: lead.created }", "trigger: { event: campaign }\nstopWhen: [opted-out]"),
      7,
      /must say how to opt out/,
    ],
    [
      "marketing that does not stop on opt-out",
      ok.replace("transactional", "marketing").replace("lead.created", "campaign"),
      1,
      /must stop when the contact opts out/,
    ],
  ])("refuses %s", (_name, text, line, message) => {
    const r = parseSequence(text, "/p/sequences/x.yaml");
    expect(r.sequence).toBeUndefined();
    expect(r.problems[0]).toMatchObject({ file: "/p/sequences/x.yaml", line });
    expect(r.problems.map((p) => p.message).join("\n")).toMatch(message);
  });
});

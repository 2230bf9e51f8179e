import { describe, expect, it } from "vitest";
import { buildLeadCard, CARD_ACTIONS, handlerLabel, type LeadCardFacts } from "../../src/slack/build-lead-card.ts";

const base: LeadCardFacts = {
  conversationId: "conv1",
  name: "Maria Lopez",
  phone: "+12125550123",
  channel: "sms",
  source: "google-lsa",
  service: "Drain cleaning",
  zip: "10001",
  stage: "qualified",
  handledBy: "ai",
  handler: null,
  aiEnabled: true,
  appointment: null,
};

interface Block {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { action_id?: string; value?: string; text?: { text: string } }[];
}
const blocks = (f: LeadCardFacts) => buildLeadCard(f).blocks as Block[];
const fields = (f: LeadCardFacts) =>
  Object.fromEntries(
    blocks(f)
      .find((b) => b.fields)!
      .fields!.map((x) => x.text.split("\n") as [string, string]),
  );
const buttons = (f: LeadCardFacts) =>
  blocks(f)
    .find((b) => b.type === "actions")!
    .elements!.map((e) => e.action_id);

describe("buildLeadCard", () => {
  it.each([
    ["a named lead", base, "Maria Lopez"],
    ["no name: the phone heads the card", { ...base, name: null }, "+12125550123"],
    ["neither", { ...base, name: " ", phone: null }, "Unknown contact"],
  ])("%s", (_, facts, header) => {
    expect(blocks(facts)[0]!.text!.text).toBe(header);
  });

  it.each<[string, Partial<LeadCardFacts>, Record<string, string>]>([
    [
      "every fact",
      {},
      {
        "*Phone*": "+12125550123",
        "*Source*": "google-lsa",
        "*Service*": "Drain cleaning",
        "*ZIP*": "10001",
        "*Stage*": "Qualified",
        "*Handled by*": "the AI",
      },
    ],
    ["unknowns show a dash", { source: null, service: null, zip: null, stage: null }, { "*Source*": "—", "*Service*": "—", "*ZIP*": "—", "*Stage*": "—" }],
    ["a person took over", { handledBy: "human", handler: "Dana" }, { "*Handled by*": "a person (Dana)" }],
    ["AI off for the business", { aiEnabled: false }, { "*Handled by*": "template replies (AI off)" }],
    ["a booked visit", { stage: "booked", appointment: "Tue Nov 17, 9:00 AM" }, { "*Stage*": "Booked", "*Visit*": "Tue Nov 17, 9:00 AM" }],
    ["an unknown stage as is", { stage: "estimate-sent" }, { "*Stage*": "estimate-sent" }],
    ["homeowner text is escaped", { name: "<!channel> & co", zip: "<b>" }, { "*ZIP*": "&lt;b&gt;" }],
  ])("fields: %s", (_, over, expected) => {
    expect(fields({ ...base, ...over })).toMatchObject(expected);
  });

  it.each<[string, Partial<LeadCardFacts>, string[]]>([
    ["the AI has it", {}, [CARD_ACTIONS.takeOver, CARD_ACTIONS.markBooked, CARD_ACTIONS.markLost, CARD_ACTIONS.spam]],
    ["a person has it", { handledBy: "human" }, [CARD_ACTIONS.resumeAi, CARD_ACTIONS.markBooked, CARD_ACTIONS.markLost, CARD_ACTIONS.spam]],
    ["booked", { stage: "booked" }, [CARD_ACTIONS.takeOver, CARD_ACTIONS.markLost, CARD_ACTIONS.spam]],
    ["lost", { stage: "lost" }, [CARD_ACTIONS.takeOver, CARD_ACTIONS.markBooked]],
    ["spam", { stage: "spam", handledBy: "human" }, [CARD_ACTIONS.resumeAi, CARD_ACTIONS.markBooked]],
  ])("buttons: %s", (_, over, expected) => {
    expect(buttons({ ...base, ...over })).toEqual(expected);
  });

  it("every button carries the conversation id; the fallback text never pings", () => {
    const card = buildLeadCard({ ...base, name: "<!here>" });
    const actions = (card.blocks as Block[]).find((b) => b.type === "actions")!.elements!;
    expect(actions.every((a) => a.value === "conv1")).toBe(true);
    expect(card.text).not.toContain("<!here>");
    expect(card.text).toContain("&lt;!here&gt;");
    expect(handlerLabel({ handledBy: "human", handler: null, aiEnabled: true })).toBe("a person");
  });
});

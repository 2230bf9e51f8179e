// A turn asked for by the message its asker just stored reads and claims in one statement. The
// claim rides along only when the turn would run for exactly that message; anything else reads
// the input without claiming, and the turn claims the usual way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiProvider } from "../../src/agent/llm/create-openai-provider.ts";
import { AGENT_CHANNELS, runAgentTurn } from "../../src/agent/run-agent-turn.ts";
import { readTurnInput } from "../../src/agent/read-turn-input.ts";
import { handleSms } from "../../src/channels/twilio/handle-sms.ts";
import { createScriptedModel } from "../fakes/scripted-model.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";

const model = createScriptedModel();
useMsw(model.handler);

let t: TestLeadline;
let businessId: string;
beforeAll(async () => {
  // no workers: only the turns below run
  t = await startTestLeadline({ env: { ROLE: "web" }, llm: createOpenAiProvider({ apiKey: "sk-test-key-0000", timeoutMs: 1500, maxRetries: 0 }) });
  businessId = await t.apply(acmeProfile());
});
afterAll(() => t.close());

let n = 0;
let tick = 0;
async function conversation(o: { channel?: string; handledBy?: string; status?: string; optedOut?: boolean } = {}) {
  const at = t.clock.now();
  const contact = await t.ctx.prisma.contact.create({
    data: { businessId, phone: `+1646556${String(1000 + ++n)}`, createdAt: at, ...(o.optedOut ? { optedOutAt: at } : {}) },
  });
  return t.ctx.prisma.conversation.create({
    data: {
      businessId,
      contactId: contact.id,
      createdAt: at,
      channel: o.channel ?? "sms",
      handledBy: o.handledBy ?? "ai",
      status: o.status ?? "open",
    },
  });
}
/** a message a few ms after the previous one (so their order is their time) */
async function message(conv: { id: string; contactId: string }, direction: "inbound" | "outbound", body: string, author = "contact") {
  return t.ctx.prisma.message.create({
    data: {
      businessId,
      conversationId: conv.id,
      contactId: conv.contactId,
      direction,
      channel: "sms",
      author,
      body,
      status: direction === "inbound" ? "received" : "sent",
      createdAt: new Date(t.clock.now().getTime() - 60_000 + ++tick * 5),
    },
  });
}
const read = (conv: { id: string; contactId: string }, messageId: string, business = businessId) =>
  readTurnInput(t.ctx, conv.id, AGENT_CHANNELS, { businessId: business, contactId: conv.contactId, messageId, mode: "llm", at: t.clock.now() });

describe("readTurnInput with the asking message", () => {
  const cases: {
    name: string;
    conv?: Parameters<typeof conversation>[0];
    /** what the conversation holds before the turn; the hint is the message marked `asks` */
    thread: { dir: "inbound" | "outbound"; author?: string; asks?: boolean }[];
    running?: boolean;
    otherBusiness?: boolean;
    claims: boolean;
  }[] = [
    { name: "its newest unanswered message: claimed", thread: [{ dir: "inbound", asks: true }], claims: true },
    {
      name: "after an answered exchange, the new message: claimed",
      thread: [{ dir: "inbound" }, { dir: "outbound", author: "ai" }, { dir: "inbound", asks: true }],
      claims: true,
    },
    { name: "a newer message came since: not claimed", thread: [{ dir: "inbound", asks: true }, { dir: "inbound" }], claims: false },
    {
      name: "already answered: not claimed",
      thread: [
        { dir: "inbound", asks: true },
        { dir: "outbound", author: "human" },
      ],
      claims: false,
    },
    {
      name: "a text-back (not an answer) after it: still claimed",
      thread: [
        { dir: "inbound", asks: true },
        { dir: "outbound", author: "system" },
      ],
      claims: true,
    },
    { name: "a person handles the conversation: not claimed", conv: { handledBy: "human" }, thread: [{ dir: "inbound", asks: true }], claims: false },
    { name: "the conversation is closed: not claimed", conv: { status: "closed" }, thread: [{ dir: "inbound", asks: true }], claims: false },
    { name: "the homeowner opted out: not claimed", conv: { optedOut: true }, thread: [{ dir: "inbound", asks: true }], claims: false },
    {
      name: "opted out, but on web chat (no phone involved): claimed",
      conv: { optedOut: true, channel: "webchat" },
      thread: [{ dir: "inbound", asks: true }],
      claims: true,
    },
    { name: "another turn is running: not claimed", thread: [{ dir: "inbound", asks: true }], running: true, claims: false },
    { name: "the hint names another business: not claimed", thread: [{ dir: "inbound", asks: true }], otherBusiness: true, claims: false },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const conv = await conversation(c.conv);
      let asks = "";
      for (const m of c.thread) {
        const row = await message(conv, m.dir, m.dir === "inbound" ? "Is Tuesday possible?" : "Sure.", m.author);
        if (m.asks) asks = row.id;
      }
      if (c.running)
        await t.ctx.prisma.agentTurn.create({
          data: { businessId, conversationId: conv.id, triggerMessageId: "earlier", status: "running", mode: "llm", startedAt: t.clock.now() },
        });
      const input = await read(conv, asks, c.otherBusiness ? "cotherbusiness000000000000" : businessId);
      // the input is read either way
      expect(input).toMatchObject({ id: conv.id, businessId, contactId: conv.contactId });
      const turns = await t.ctx.prisma.agentTurn.findMany({ where: { conversationId: conv.id, triggerMessageId: asks } });
      if (!c.claims) {
        expect(input!.turnId).toBeUndefined();
        expect(turns).toHaveLength(0);
        return;
      }
      expect(turns).toEqual([expect.objectContaining({ id: input!.turnId, status: "running", mode: "llm", businessId })]);
    });
  }
});

describe("runAgentTurn with a hint", () => {
  // the template flow, so each turn's outcome is the claim's alone (the model's own checks are not under test here)
  const templated = () => ({ ...t.ctx, llm: undefined });
  it("answers the hinted message under the claim its first statement took", async () => {
    const conv = await conversation();
    const asks = await message(conv, "inbound", "Can someone look at my water heater?");
    expect(await runAgentTurn(templated(), conv.id, [], { businessId, contactId: conv.contactId, messageId: asks.id })).toBe("replied");
    const turns = await t.ctx.prisma.agentTurn.findMany({ where: { conversationId: conv.id } });
    expect(turns).toEqual([expect.objectContaining({ triggerMessageId: asks.id, status: "replied" })]);
    expect(await t.ctx.prisma.message.count({ where: { conversationId: conv.id, direction: "outbound" } })).toBe(1);
  });

  it("a hinted message the agent does not answer (HELP) gives its claim back; the question before it is answered", async () => {
    const conv = await conversation();
    const question = await message(conv, "inbound", "Do you fix garbage disposals?");
    const help = await message(conv, "inbound", "HELP");
    expect(await runAgentTurn(templated(), conv.id, [], { businessId, contactId: conv.contactId, messageId: help.id })).toBe("replied");
    const turns = await t.ctx.prisma.agentTurn.findMany({ where: { conversationId: conv.id }, orderBy: { startedAt: "asc" } });
    expect(turns.map((x) => [x.triggerMessageId, x.status])).toEqual(
      expect.arrayContaining([
        [help.id, "skipped"],
        [question.id, "replied"],
      ]),
    );
    expect(turns).toHaveLength(2);
  });

  it("a hint naming a contact the conversation no longer has (merged away): the model reads the conversation's own contact's facts", async () => {
    const conv = await conversation();
    const gone = await t.ctx.prisma.contact.create({ data: { businessId, phone: `+1646556${String(1000 + ++n)}`, createdAt: t.clock.now() } });
    await t.ctx.prisma.lead.create({
      data: {
        businessId,
        contactId: conv.contactId,
        conversationId: conv.id,
        source: "sms",
        channel: "sms",
        answers: { issue: "leaking tank" },
        createdAt: t.clock.now(),
      },
    });
    const asks = await message(conv, "inbound", "When could someone come?");
    model.reset();
    model.say({ content: "Hi, this is Acme Plumbing's virtual assistant. Someone can come out; what time of day suits you?" });
    expect(await runAgentTurn(t.ctx, conv.id, [], { businessId, contactId: gone.id, messageId: asks.id })).toBe("replied");
    const facts = model.requests[0]!.messages.find((m) => m.content?.startsWith("Conversation facts:"))!.content;
    expect(facts).toContain('"issue":"leaking tank"');
    expect(await t.ctx.prisma.agentTurn.findMany({ where: { conversationId: conv.id } })).toEqual([
      expect.objectContaining({ triggerMessageId: asks.id, status: "replied", mode: "llm" }),
    ]);
  });

  it("a stale hint (a newer message came) claims the usual way, for the newest message", async () => {
    const conv = await conversation();
    const first = await message(conv, "inbound", "Hi, my faucet drips.");
    const second = await message(conv, "inbound", "Actually it is the shower.");
    expect(await runAgentTurn(templated(), conv.id, [], { businessId, contactId: conv.contactId, messageId: first.id })).toBe("replied");
    const turns = await t.ctx.prisma.agentTurn.findMany({ where: { conversationId: conv.id } });
    expect(turns).toEqual([expect.objectContaining({ triggerMessageId: second.id, status: "replied" })]);
  });
});

describe("an inbound text asks for its turn with the hint", () => {
  it("names the message it stored, its business and contact; a keyword asks for none", async () => {
    const asked: unknown[][] = [];
    const ctx = { ...t.ctx, queues: { ...t.ctx.queues, enqueueAgentTurn: async (...a: unknown[]) => void asked.push(a) } };
    const business = (await t.ctx.directory.byId(businessId))!;
    const sms = (sid: string, body: string) => ({
      id: `cevent${sid}`,
      kind: "sms",
      businessId,
      receivedAt: t.clock.now(),
      payload: { MessageSid: `SM${sid.padStart(32, "0")}`, AccountSid: `AC${"a1".repeat(16)}`, From: "+16465557001", To: ACME_NUMBER, Body: body },
    });
    await handleSms(ctx, sms("1", "Can you come Friday?"), business);
    await handleSms(ctx, sms("2", "STOP"), business);
    const stored = await t.ctx.prisma.message.findFirstOrThrow({ where: { providerId: `SM${"1".padStart(32, "0")}` } });
    expect(asked).toEqual([[stored.conversationId, 0, { businessId, contactId: stored.contactId, messageId: stored.id }]]);
  });
});

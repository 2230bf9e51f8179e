// The agent's claim: one turn at a time per conversation, one per trigger; a dead turn (past its
// budget) does not block, a failed one is run again under its own id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimTurn, TURN_BUDGET_MS } from "../../src/agent/claim-turn.ts";
import { sweepAgentTurns } from "../../src/agent/sweep-agent-turns.ts";
import { acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";

let t: TestLeadline;
let businessId: string;
beforeAll(async () => {
  t = await startTestLeadline({ env: { ROLE: "web" } }); // no workers: only the claims below run turns
  businessId = await t.apply(acmeProfile());
});
afterAll(() => t.close());

let n = 0;
async function conversation() {
  const at = t.clock.now();
  const contact = await t.ctx.prisma.contact.create({ data: { businessId, phone: `+1646555${String(1000 + ++n)}`, createdAt: at } });
  return t.ctx.prisma.conversation.create({ data: { businessId, contactId: contact.id, createdAt: at } });
}
const claim = (conversationId: string, triggerMessageId: string) => claimTurn(t.ctx, { businessId, conversationId, triggerMessageId, mode: "llm" });
const seed = (conversationId: string, triggerMessageId: string, status: string, agoMs: number) =>
  t.ctx.prisma.agentTurn.create({
    data: { businessId, conversationId, triggerMessageId, status, mode: "template", startedAt: new Date(t.clock.now().getTime() - agoMs) },
  });

describe("claimTurn", () => {
  const cases: { name: string; prior: { trigger: string; status: string; agoMs: number }[]; expect: "new" | "revived" | "refused" }[] = [
    { name: "no turn yet: a new one", prior: [], expect: "new" },
    { name: "another turn running within its budget: refused", prior: [{ trigger: "m0", status: "running", agoMs: 1000 }], expect: "refused" },
    {
      name: "a turn running past its budget (its process died): a new one",
      prior: [{ trigger: "m0", status: "running", agoMs: TURN_BUDGET_MS + 1000 }],
      expect: "new",
    },
    { name: "this trigger's turn failed: run again under its id", prior: [{ trigger: "m1", status: "failed", agoMs: 5000 }], expect: "revived" },
    { name: "this trigger was answered: refused", prior: [{ trigger: "m1", status: "replied", agoMs: 5000 }], expect: "refused" },
    {
      name: "this trigger failed but another turn runs: refused",
      prior: [
        { trigger: "m1", status: "failed", agoMs: 5000 },
        { trigger: "m0", status: "running", agoMs: 1000 },
      ],
      expect: "refused",
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const conv = await conversation();
      const prior = [];
      for (const p of c.prior) prior.push(await seed(conv.id, p.trigger, p.status, p.agoMs));
      const before = t.clock.now().getTime();
      const id = await claim(conv.id, "m1");
      const after = t.clock.now().getTime();
      const turns = await t.ctx.prisma.agentTurn.findMany({ where: { conversationId: conv.id } });
      if (c.expect === "refused") {
        expect(id).toBeUndefined();
        expect(turns).toHaveLength(c.prior.length);
        return;
      }
      const row = turns.find((x) => x.id === id)!;
      expect(row).toMatchObject({ status: "running", mode: "llm", triggerMessageId: "m1", finishedAt: null, error: null });
      expect(row.startedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(row.startedAt.getTime()).toBeLessThanOrEqual(after);
      if (c.expect === "revived") expect(id).toBe(prior[0]!.id);
      else expect(turns).toHaveLength(c.prior.length + 1);
    });
  }

  it("a dead turn is closed as failed when the next claim finds it (so the sweep may run its message again)", async () => {
    const conv = await conversation();
    const dead = await seed(conv.id, "m0", "running", TURN_BUDGET_MS + 1000);
    expect(await claim(conv.id, "m1")).toBeDefined();
    const closed = await t.ctx.prisma.agentTurn.findUniqueOrThrow({ where: { id: dead.id } });
    expect(closed).toMatchObject({ status: "failed", error: "died with its process" });
    expect(closed.finishedAt).not.toBeNull();
  });

  it("claims at once for different triggers of one conversation: exactly one runs", async () => {
    const conv = await conversation();
    const ids = await Promise.all(Array.from({ length: 6 }, (_, k) => claim(conv.id, `m${k}`)));
    expect(ids.filter(Boolean)).toHaveLength(1);
    expect(await t.ctx.prisma.agentTurn.count({ where: { conversationId: conv.id, status: "running" } })).toBe(1);
  });

  it("the database refuses a second running turn in a conversation, whoever writes it", async () => {
    const conv = await conversation();
    await seed(conv.id, "m0", "running", 1000);
    await expect(seed(conv.id, "m1", "running", 500)).rejects.toThrow();
  });

  it("two claims at once for one trigger: exactly one wins", async () => {
    const conv = await conversation();
    const ids = await Promise.all(Array.from({ length: 6 }, () => claim(conv.id, "m1")));
    expect(ids.filter(Boolean)).toHaveLength(1);
  });
});

describe("a turn that died with its process", () => {
  it("its message is asked for again by the sweep, and the claim runs it again under the same row", async () => {
    const conv = await conversation();
    const at = new Date(t.clock.now().getTime() - 60_000); // old enough for the sweep, young enough to answer
    const msg = await t.ctx.prisma.message.create({
      data: {
        businessId,
        conversationId: conv.id,
        contactId: conv.contactId,
        direction: "inbound",
        channel: "sms",
        author: "contact",
        body: "Still there?",
        status: "received",
        createdAt: at,
      },
    });
    const dead = await seed(conv.id, msg.id, "running", TURN_BUDGET_MS + 1000);
    expect((await sweepAgentTurns(t.ctx)).requested).toBe(1);
    expect(await claim(conv.id, msg.id)).toBe(dead.id);
    expect(await t.ctx.prisma.agentTurn.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: "running", error: null });
  });
});

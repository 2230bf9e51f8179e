// speakTurn alone: a scripted model (streamed word by word), a stub database for the facts, a slow
// tool made for the test. The socket, Postgres and the real tools are covered by voice-agent.test.ts.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Ctx } from "../../src/context.ts";
import { ZProfile } from "../../src/config/profile-schema.ts";
import type { BusinessRef } from "../../src/business/business-directory.ts";
import { LlmError } from "../../src/agent/llm/llm-provider.ts";
import { ScriptedProvider } from "../../src/agent/llm/scripted-provider.ts";
import { defineTool, toLlmTool, type AgentTool } from "../../src/agent/tools/agent-tool.ts";
import { FILLER, speakTurn, type SpeakTurnInput } from "../../src/voice/speak-turn.ts";

const profile = ZProfile.parse({
  slug: "acme",
  name: "Acme Plumbing",
  timezone: "America/New_York",
  services: [{ key: "drain-cleaning", name: "Drain cleaning", durationMinutes: 90, price: { from: 149, to: 349 } }],
});
const business = { id: "b1", slug: "acme", profile } as unknown as BusinessRef;
const ctx = {
  // the facts' one statement: nothing offered or booked, no answers, the AI has spoken, no messages
  sql: async () => [{ offered: [], booked: [], answers: null, aiSpoke: true, latest: [] }],
  log: { warn: () => {}, info: () => {}, error: () => {} },
} as unknown as Ctx;
const facts = { offeredSlots: [], bookedSlots: [], leadAnswers: {}, firstAiMessage: false, lastInbound: "", latest: [] };

function slowTool(ms: number): AgentTool {
  return defineTool({
    name: "look_up",
    description: "a slow lookup",
    schema: z.object({}).strict(),
    run: async () => {
      await new Promise((r) => setTimeout(r, ms));
      return { found: true };
    },
  }) as AgentTool;
}

function input(llm: ScriptedProvider, over: Partial<SpeakTurnInput> = {}): SpeakTurnInput & { said: string[] } {
  const said: string[] = [];
  const tool = slowTool(60);
  return {
    said,
    llm,
    target: {
      business,
      conversation: { id: "c1", channel: "sms", businessNumber: null, contactId: "p1" },
      contact: { phone: "+12125550123" },
      replyToAt: new Date(),
    },
    scope: { business, conversationId: "c1", contactId: "p1", now: new Date("2026-11-17T14:00:00Z") },
    model: "gpt-test",
    temperature: 0,
    maxToolSteps: 3,
    maxSentenceChars: 300,
    tools: [{ tool, llm: toLlmTool(tool) }],
    messages: [{ role: "system", content: "You are on a call." }],
    facts,
    utterance: "How much to clear a drain?",
    fallback: "Someone from the office will follow up.",
    fillerAfterMs: 20,
    say: (s) => said.push(s),
    signal: new AbortController().signal,
    ...over,
  };
}

describe("speakTurn", () => {
  it("says each sentence that passes the guard, in order", async () => {
    const i = input(new ScriptedProvider({ steps: [{ content: "We can help. Drain cleaning runs $149 to $349. What's your ZIP?" }] }), {
      utterance: "How much is drain cleaning?",
    });
    const r = await speakTurn(ctx, i);
    expect(i.said).toEqual(["We can help.", "Drain cleaning runs $149 to $349.", "What's your ZIP?"]);
    expect(r.handoff).toBeUndefined();
  });

  it("a tool slower than fillerAfterMs gets the filler line once; a fast one none", async () => {
    const slow = input(new ScriptedProvider({ steps: [{ tools: [{ name: "look_up", arguments: {} }] }, { content: "Found it." }] }));
    await speakTurn(ctx, slow);
    expect(slow.said).toEqual([FILLER, "Found it."]);
    const fast = input(new ScriptedProvider({ steps: [{ tools: [{ name: "look_up", arguments: {} }] }, { content: "Found it." }] }), { fillerAfterMs: 5_000 });
    await speakTurn(ctx, fast);
    expect(fast.said).toEqual(["Found it."]);
  });

  it("a price not in the profile is never said; after a second failure the fallback is said and a person takes over", async () => {
    const llm = new ScriptedProvider({ steps: [{ content: "Sure. It's $89 flat." }, { content: "Okay, it's $95 then." }] });
    const i = input(llm);
    const r = await speakTurn(ctx, i);
    expect(i.said).toEqual(["Sure.", "Someone from the office will follow up."]);
    expect(i.said.join(" ")).not.toMatch(/\$89|\$95/);
    expect(r.handoff).toBeDefined();
    expect(r.guard.filter((g) => !g.ok)).toHaveLength(2);
    expect(JSON.stringify(llm.requests[1]!.messages)).toContain('Only this was said aloud: \\"Sure.\\"');
  });

  it("stops speaking when the caller interrupts", async () => {
    const stop = new AbortController();
    const i = input(new ScriptedProvider({ steps: [{ content: "One. Two. Three." }] }), { signal: stop.signal });
    i.say = (s) => {
      i.said.push(s);
      if (s === "One.") stop.abort();
    };
    await speakTurn(ctx, i);
    expect(i.said).toEqual(["One."]);
  });

  it("a server that cannot stream (a plain completion, no chunks) is asked again without streaming", async () => {
    const llm = new ScriptedProvider({ steps: [{ content: "Happy to help. What's the ZIP code?" }] });
    llm.stream = () => Promise.reject(new LlmError("model stream has neither content nor tool calls", "malformed"));
    const i = input(llm);
    await speakTurn(ctx, i);
    expect(i.said).toEqual(["Happy to help.", "What's the ZIP code?"]);
  });
});

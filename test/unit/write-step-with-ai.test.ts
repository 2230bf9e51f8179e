import { describe, expect, it } from "vitest";
import { LlmError, type LlmProvider, type LlmRequest } from "../../src/agent/llm/llm-provider.ts";
import { ZProfile } from "../../src/config/profile-schema.ts";
import { writeStepWithAi } from "../../src/sequences/write-step-with-ai.ts";
import { acmeProfile } from "../helpers/test-leadline.ts";

const profile = ZProfile.parse(acmeProfile({ services: [{ key: "drain", name: "Drain cleaning", durationMinutes: 60, price: { from: 149 } }] }));
const FALLBACK = "Hi Ann, last note from Acme Plumbing: if you still need help, just reply and we'll take it from there.";
const silentLog = { info() {}, warn() {} } as never;

function model(answer: string | Error): LlmProvider & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  return {
    name: "scripted",
    requests,
    complete(req) {
      requests.push(req);
      if (answer instanceof Error) return Promise.reject(answer);
      return Promise.resolve({
        content: answer,
        toolCalls: [],
        usage: { promptTokens: 1, completionTokens: 1 },
        latencyMs: 1,
        model: "m",
        finishReason: "stop",
      });
    },
  };
}

const run = (llm: LlmProvider | undefined, p = profile) =>
  writeStepWithAi(
    { llm, env: { OPENAI_MODEL: undefined } as never, clock: { now: () => new Date("2026-11-30T15:00:00Z") }, log: silentLog },
    {
      profile: p,
      instructions: "One short, friendly last check-in.",
      fallback: FALLBACK,
      history: [{ direction: "outbound", body: "Hi Ann" }],
      firstAiMessage: false,
    },
  );

describe("an AI sequence step", () => {
  it("sends what the model wrote when the guard passes it, told the owner's instructions and the conversation", async () => {
    const m = model("Hi Ann, just checking in from Acme Plumbing. If the drain still needs a look, reply any time.");
    expect(await run(m)).toEqual({ body: "Hi Ann, just checking in from Acme Plumbing. If the drain still needs a look, reply any time.", author: "ai" });
    const sent = JSON.stringify(m.requests[0]!.messages);
    expect(sent).toContain("One short, friendly last check-in.");
    expect(sent).toContain("Us: Hi Ann");
  });

  it.each([
    ["a price the business never stated", model("Hi Ann! Drain cleaning is just $49 this week, reply to book.")],
    ["an empty answer", model("")],
    ["a failing model", model(new LlmError("boom", "server", 500))],
    ["no model at all", undefined],
  ])("sends the template instead of %s", async (_n, m) => {
    expect(await run(m)).toEqual({ body: FALLBACK, author: "template" });
  });

  it("sends the template when the business switched AI off", async () => {
    const m = model("Hi Ann, checking in!");
    expect(await run(m, { ...profile, ai: { ...profile.ai, enabled: false } })).toEqual({ body: FALLBACK, author: "template" });
    expect(m.requests).toHaveLength(0);
  });
});

// The model's output and input are bounded (issue 16 item 3): each call carries a token limit from the prompt's reply
// budget, a 60 kB answer is refused on its length without being read (and the homeowner still gets a reply), and a
// long inbound message reaches the model only by its head and tail.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiProvider } from "../../src/agent/llm/create-openai-provider.ts";
import { limitReplyTokens } from "../../src/agent/llm/limit-reply-tokens.ts";
import { loadPrompt } from "../../src/agent/prompts/load-prompt.ts";
import { createScriptedModel } from "../fakes/scripted-model.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
const model = createScriptedModel();
useMsw(twilio.handler, model.handler);

const profile = acmeProfile({
  services: [{ key: "drain-cleaning", name: "Drain cleaning", durationMinutes: 90, price: { from: 149, to: 349 }, aliases: ["clog"] }],
  serviceArea: { zips: ["10001"] },
  ai: { debounceSeconds: 0 },
});

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline({ llm: createOpenAiProvider({ apiKey: "sk-test-key-0000", timeoutMs: 5000, maxRetries: 0 }) });
  await t.apply(profile);
  t.clock.set("2026-11-17T14:00:00Z"); // Tue 09:00 in New York
});
afterEach(() => {
  twilio.reset();
  model.reset();
});
afterAll(() => t.close());

let n = 0;
const newPhone = () => `+1212555${String(7000 + ++n)}`;
const text = (from: string, body: string) => t.post("/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body }));
const repliesTo = (phone: string) => twilio.sent.filter((m) => m.To === phone).map((m) => m.Body);

describe("bounded model output", () => {
  it("every call carries max_completion_tokens from maxReplyChars; a 60 kB answer is refused on its length and repaired", async () => {
    const phone = newPhone();
    const good = "Hi, this is Acme Plumbing's virtual assistant. Drain cleaning runs $149 to $349. What's your ZIP?";
    model.say({ content: `Hi, this is Acme Plumbing's virtual assistant. ${"Drain cleaning is $99 on Wednesday at 10. ".repeat(1500)}` }, { content: good });
    await text(phone, "how much to clear a clog?");
    await waitFor(() => repliesTo(phone).length === 1, "the repaired reply");
    expect(repliesTo(phone)[0]).toBe(good);

    const maxReplyChars = loadPrompt(undefined).frontMatter.maxReplyChars;
    expect(model.requests).toHaveLength(2);
    for (const req of model.requests) expect((req as unknown as Record<string, unknown>).max_completion_tokens).toBe(limitReplyTokens(maxReplyChars));
    // the repair request names only the length: the long reply was not read for prices or times
    const repair = model.requests[1]!.messages.at(-1)!.content ?? "";
    expect(repair).toMatch(/is \d+ characters long; the limit is \d+/);
    expect(repair).not.toContain("$99");
  });
});

describe("bounded model input", () => {
  it("a 9 kB inbound message reaches the model by its head and tail only", async () => {
    const phone = newPhone();
    model.say({ content: "Hi, this is Acme Plumbing's virtual assistant. What's your ZIP?" });
    // the SMS webhook takes bodies up to 10,000 characters (Twilio sends at most 1,600)
    await text(phone, `My drain is clogged. ${"x".repeat(9_000)} Call me after 5.`);
    await waitFor(() => repliesTo(phone).length === 1, "the reply");
    const user = model.requests[0]!.messages.filter((m) => m.role === "user").map((m) => m.content ?? "");
    expect(user).toHaveLength(1);
    expect(user[0]!.length).toBeLessThanOrEqual(2000);
    expect(user[0]!.startsWith("My drain is clogged.")).toBe(true);
    expect(user[0]!.endsWith("Call me after 5.")).toBe(true);
  });
});

// The AI answers the phone: a fake ConversationRelay client (Twilio's side, exactly its frames) over
// a real WebSocket to the real server, the real queue and Postgres; the model scripted at the HTTP
// boundary and answering with `stream: true`; Twilio's Messages API faked with msw.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiProvider } from "../../src/agent/llm/create-openai-provider.ts";
import { connectRelay, type RelayClient } from "../fakes/conversation-relay.ts";
import { createScriptedModel, type ModelRequest } from "../fakes/scripted-model.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { ACCOUNT_SID, callParams, dialStatusParams } from "../fakes/twilio-webhooks.ts";
import {
  ACME_FORWARD,
  ACME_NUMBER,
  ADMIN_TOKEN,
  acmeProfile,
  PUBLIC_BASE_URL,
  startTestLeadline,
  TWILIO_TOKEN,
  type TestLeadline,
} from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
const model = createScriptedModel();
useMsw(twilio.handler, model.handler);

const TRANSFER_TO = "+15555550177";
const ALL_DAY = ["08:00-17:00"];
const profile = acmeProfile({
  hours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY },
  booking: { crews: 1, bufferMinutes: 30, minNoticeHours: 2, horizonDays: 7 },
  services: [{ key: "drain-cleaning", name: "Drain cleaning", durationMinutes: 90, price: { from: 149, to: 349 }, aliases: ["clog", "drain"] }],
  serviceArea: { zips: ["10001"] },
  voice: { aiAnswer: "when-missed", greeting: "Thanks for calling Acme Plumbing. I'm Sam, the virtual assistant. How can I help?", transferTo: [TRANSFER_TO] },
  textBack: { template: "Hi from {{business}}, sorry we missed your call. How can we help?", windowMinutes: 30 },
});

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline({ llm: createOpenAiProvider({ apiKey: "sk-test-key-0000", timeoutMs: 3000, maxRetries: 0 }) });
  await t.apply(profile);
  t.clock.set("2026-11-17T14:00:00Z"); // Tue 09:00 in New York
});
afterEach(() => {
  twilio.reset();
  model.reset();
});
afterAll(() => t.close());

let n = 0;
const newCaller = () => `+1212555${String(7000 + ++n)}`;
const textsTo = (phone: string) => twilio.sent.filter((m) => m.To === phone).map((m) => m.Body);
const texts = (c: RelayClient, from = 0) =>
  c.frames
    .slice(from)
    .filter((f) => f.frame.type === "text")
    .map((f) => String((f.frame as { token: string }).token))
    .join("");
const open = (callSid?: string) => connectRelay(t.url, { token: TWILIO_TOKEN, publicBaseUrl: PUBLIC_BASE_URL, ...(callSid ? { callSid } : {}) });
function offered(req: ModelRequest): { start: string; label: string }[] {
  const tool = [...req.messages].reverse().find((m) => m.role === "tool");
  return (JSON.parse(tool?.content ?? "{}") as { slots?: { start: string; label: string }[] }).slots ?? [];
}

/** The caller rings, no one picks up, the AI answers: returns the call's params and the TwiML. */
async function missedThenRelay(from: string) {
  const call = callParams({ from, to: ACME_NUMBER });
  await t.post("/webhooks/twilio/voice", call);
  const res = await t.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
  return { call, xml: await res.text() };
}
async function conversationOf(phone: string) {
  return t.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone } } });
}
const voiceMessages = async (phone: string) =>
  (
    await t.ctx.prisma.message.findMany({
      where: { conversation: { contact: { phone } }, channel: "voice" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    })
  ).map((m) => `${m.direction === "inbound" ? "caller" : m.author}: ${m.body}`);

describe("TwiML", () => {
  it("a missed ring-through (no-answer) connects ConversationRelay instead of voicemail, and relay-end hangs up without a hand-off", async () => {
    const { call, xml } = await missedThenRelay(newCaller());
    expect(xml).toContain('<Connect action="https://leadline.test/webhooks/twilio/voice/relay-end" method="POST">');
    expect(xml).toContain('<ConversationRelay url="wss://leadline.test/webhooks/twilio/relay"');
    expect(xml).toContain('welcomeGreeting="Thanks for calling Acme Plumbing. I\'m Sam, the virtual assistant. How can I help?"');
    expect(xml).not.toContain("<Record");
    const end = await t.post("/webhooks/twilio/voice/relay-end", {
      AccountSid: ACCOUNT_SID,
      CallSid: call.CallSid!,
      To: ACME_NUMBER,
      SessionStatus: "completed",
    });
    expect(await end.text()).toContain("<Hangup/>");
  });

  it("after-hours: outside hours the AI picks up at once; inside hours the phones ring", async () => {
    await t.apply({ ...profile, slug: "night-co", name: "Night Co", phoneNumbers: ["+15555550600"], numberSources: {}, voice: { aiAnswer: "after-hours" } });
    const inside = await (await t.post("/webhooks/twilio/voice", callParams({ from: newCaller(), to: "+15555550600" }))).text();
    expect(inside).toContain("<Dial");
    t.clock.set("2026-11-21T15:00:00Z"); // Saturday: closed
    try {
      const outside = await (await t.post("/webhooks/twilio/voice", callParams({ from: newCaller(), to: "+15555550600" }))).text();
      expect(outside).toContain("<ConversationRelay");
      expect(outside).not.toContain("<Dial");
    } finally {
      t.clock.set("2026-11-17T14:00:00Z");
    }
  });

  it("relay-end: HandoffData asks for a person unless it says transfer: false; no HandoffData hangs up", async () => {
    const { call } = await missedThenRelay(newCaller());
    const end = (HandoffData?: string) =>
      t
        .post("/webhooks/twilio/voice/relay-end", { AccountSid: ACCOUNT_SID, CallSid: call.CallSid!, To: ACME_NUMBER, ...(HandoffData ? { HandoffData } : {}) })
        .then((r) => r.text());
    expect(await end('{"reasonCode":"live-agent-handoff"}')).toContain(`<Number>${TRANSFER_TO}</Number>`);
    expect(await end('{"transfer":false}')).toContain("<Hangup/>");
    expect(await end()).toContain("<Hangup/>");
    const bad = await t.post(
      "/webhooks/twilio/voice/relay-end",
      { AccountSid: ACCOUNT_SID, CallSid: call.CallSid!, To: ACME_NUMBER },
      { signature: "bm9wZQ==" },
    );
    expect(bad.status).toBe(403);
  });

  it("aiAnswer off (the default) still offers voicemail", async () => {
    await t.apply({ ...profile, slug: "plain-co", name: "Plain Co", phoneNumbers: ["+15555550400"], numberSources: {}, voice: {} });
    const call = callParams({ from: newCaller(), to: "+15555550400" });
    await t.post("/webhooks/twilio/voice", call);
    const xml = await (await t.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"))).text();
    expect(xml).toContain("<Record");
    expect(xml).not.toContain("ConversationRelay");
  });
});

describe("the socket", () => {
  it("a bad or missing signature is refused with 403 before the upgrade, and nothing is stored", async () => {
    await settle(); // earlier tests' queued call events
    const before = await t.ctx.prisma.message.count();
    const calls = await t.ctx.prisma.call.count();
    for (const signature of ["bm9wZQ==", null]) {
      const err = (await connectRelay(t.url, { token: TWILIO_TOKEN, publicBaseUrl: PUBLIC_BASE_URL, signature }).catch((e: unknown) => e)) as {
        status?: number;
      };
      expect(err.status).toBe(403);
    }
    // signed for another URL (http instead of wss) is refused too
    const other = await connectRelay(t.url, { token: "wrong-token", publicBaseUrl: PUBLIC_BASE_URL }).catch((e: unknown) => e);
    expect((other as { status?: number }).status).toBe(403);
    await settle(200);
    expect(await t.ctx.prisma.message.count()).toBe(before);
    expect(await t.ctx.prisma.call.count()).toBe(calls);
  });

  it("books by voice: find_slots then book_appointment, spoken sentence by sentence, one confirmation text; the transcript and the call record are kept", async () => {
    const phone = newCaller();
    const { call } = await missedThenRelay(phone);
    const c = await open(call.CallSid);
    c.setup({ from: phone, to: ACME_NUMBER });
    let slot: { start: string; label: string } | undefined;
    model.say({ tools: [{ name: "find_slots", arguments: { service: "drain-cleaning" } }] }, (req) => {
      slot = offered(req)[0];
      return { content: `I can send someone ${slot!.label}. Does that work for you?` };
    });
    c.prompt("My kitchen drain is", false);
    c.prompt("clogged, I'm in 10001.", true);
    const offer = await c.reply();
    expect(slot).toBeDefined();
    expect(offer).toBe(`I can send someone ${slot!.label}. Does that work for you?`);
    // sentence by sentence: two text frames before the last marker
    const tokens = c.frames.filter((f) => f.frame.type === "text").map((f) => f.frame as { token: string; last: boolean });
    expect(tokens.filter((x) => x.token.trim()).length).toBe(2);
    expect(tokens.at(-1)).toEqual({ type: "text", token: "", last: true });
    // the model was called streaming, told it is on a call, and heard the whole utterance once
    const req = model.requests[0]!;
    expect(req.stream).toBe(true);
    expect(JSON.stringify(req.messages)).toContain("live phone call");
    expect(req.messages.filter((m) => m.role === "user").at(-1)?.content).toBe("My kitchen drain is clogged, I'm in 10001.");

    const mark = c.frames.length;
    model.say(
      { tools: [{ name: "book_appointment", arguments: { service: "drain-cleaning", start: slot!.start, zip: "10001" } }] },
      { content: `You're all set for ${slot!.label}. Anything else?` },
    );
    c.prompt("Yes, that works.");
    expect(await c.reply(mark)).toBe(`You're all set for ${slot!.label}. Anything else?`);
    const conv = await conversationOf(phone);
    await waitFor(() => textsTo(phone).some((b) => b.includes("You're booked with Acme Plumbing")), "the confirmation text");
    expect(await t.ctx.prisma.appointment.count({ where: { conversationId: conv.id, status: "booked" } })).toBe(1);

    await c.close();
    await waitFor(async () => (await t.ctx.prisma.call.findUnique({ where: { callSid: call.CallSid! } }))?.aiOutcome, "the call finished");
    const row = await t.ctx.prisma.call.findUniqueOrThrow({ where: { callSid: call.CallSid! } });
    expect(row).toMatchObject({ aiOutcome: "hangup", aiTurns: 2, status: "answered" });
    expect(row.aiPromptTokens).toBeGreaterThan(0);
    expect(row.aiCompletionTokens).toBeGreaterThan(0);
    expect(row.aiSeconds).toBeGreaterThanOrEqual(0);
    expect(await voiceMessages(phone)).toEqual([
      "caller: My kitchen drain is clogged, I'm in 10001.",
      `ai: I can send someone ${slot!.label}. Does that work for you?`,
      "caller: Yes, that works.",
      `ai: You're all set for ${slot!.label}. Anything else?`,
    ]);
    // exactly one text: the confirmation (no missed-call text-back for a caller who spoke)
    await t.post("/webhooks/twilio/voice/relay-end", { AccountSid: ACCOUNT_SID, CallSid: call.CallSid!, To: ACME_NUMBER, SessionStatus: "ended" });
    await settle();
    expect(textsTo(phone)).toHaveLength(1);
  });

  it("the guard keeps a spoken price that is not in the profile off the line; the repair is said instead", async () => {
    const phone = newCaller();
    const { call } = await missedThenRelay(phone);
    const c = await open(call.CallSid);
    c.setup({ from: phone, to: ACME_NUMBER });
    model.say(
      { content: "Sure, we can help with that drain. It's a flat $89 for drain cleaning. We can come this week." },
      { content: "The technician confirms the price on site, usually $149 to $349 for drain cleaning." },
    );
    c.prompt("How much is it to clear a clogged drain?");
    const said = await c.reply();
    expect(said).toBe("Sure, we can help with that drain. The technician confirms the price on site, usually $149 to $349 for drain cleaning.");
    expect(texts(c)).not.toContain("$89");
    // the model was told what was said and what was not
    const repair = JSON.stringify(model.requests[1]?.messages ?? []);
    expect(repair).toContain("was NOT said");
    await c.close();
    await waitFor(async () => (await voiceMessages(phone)).length === 2, "the transcript");
    expect((await voiceMessages(phone)).join("\n")).not.toContain("$89");
  });

  it("an interruption stops the reply; the transcript keeps only what the caller heard", async () => {
    const phone = newCaller();
    const { call } = await missedThenRelay(phone);
    const c = await open(call.CallSid);
    c.setup({ from: phone, to: ACME_NUMBER });
    model.say({ content: "We clear drains all week. Our team has a lot of experience with clogs. We also do water heaters. Let me know what you need." });
    c.prompt("Do you do drains?");
    await c.reply();
    c.interrupt("We clear drains all week. Our team has", 1800);
    const mark = c.frames.length;
    model.say({ content: "Great, what is your ZIP code?" });
    c.prompt("Okay, I need one tomorrow.");
    expect(await c.reply(mark)).toBe("Great, what is your ZIP code?");
    // the model's history has what was heard, not the whole reply
    const history = model.requests[1]!.messages.filter((m) => m.role === "assistant").map((m) => m.content);
    expect(history).toContain("We clear drains all week. Our team has");
    await c.close();
    await waitFor(async () => (await voiceMessages(phone)).length === 4, "the transcript");
    expect(await voiceMessages(phone)).toEqual([
      "caller: Do you do drains?",
      "ai: We clear drains all week. Our team has",
      "caller: Okay, I need one tomorrow.",
      "ai: Great, what is your ZIP code?",
    ]);
  });

  it("hand-off to a person: the agent's handoff_to_human ends the session with handoffData; relay-end dials transferTo; the office is alerted with the summary", async () => {
    const phone = newCaller();
    const { call } = await missedThenRelay(phone);
    const c = await open(call.CallSid);
    c.setup({ from: phone, to: ACME_NUMBER });
    model.say(
      { tools: [{ name: "handoff_to_human", arguments: { reason: "caller wants to discuss a warranty claim" } }] },
      { content: "I'll put you through to someone in the office now." },
    );
    c.prompt("I want to talk about a warranty claim on last month's job.");
    const end = (await c.waitFrame((f) => f.type === "end")) as { type: "end"; handoffData: string };
    expect(texts(c)).toContain("I'll put you through to someone in the office now.");
    const data = JSON.parse(end.handoffData) as { transfer: boolean; reason: string; summary: string };
    expect(data.transfer).toBe(true);
    expect(data.summary).toContain("warranty claim");
    const res = await t.post("/webhooks/twilio/voice/relay-end", {
      AccountSid: ACCOUNT_SID,
      CallSid: call.CallSid!,
      To: ACME_NUMBER,
      From: phone,
      SessionStatus: "ended",
      HandoffData: end.handoffData,
    });
    const xml = await res.text();
    expect(xml).toContain(`<Number>${TRANSFER_TO}</Number>`);
    expect(xml).not.toContain(ACME_FORWARD);
    const conv = await conversationOf(phone);
    await waitFor(() => t.ctx.prisma.alert.findFirst({ where: { kind: "voice-handoff", subject: conv.id } }), "the office alert");
    const alert = await t.ctx.prisma.alert.findFirstOrThrow({ where: { kind: "voice-handoff", subject: conv.id } });
    expect(alert.message).toContain("warranty claim on last month's job");
    // one hand-off, one alert: the tool's own "handoff" alert is not raised on a call
    expect(await t.ctx.prisma.alert.count({ where: { subject: conv.id, kind: { in: ["handoff", "voice-handoff"] } } })).toBe(1);
    expect((await t.ctx.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).handledBy).toBe("human");
    await c.close();
    await waitFor(async () => (await t.ctx.prisma.call.findUnique({ where: { callSid: call.CallSid! } }))?.aiOutcome === "handoff", "the call record");
  });

  it("a caller who asks for a person is handed over without a model call; without transferTo it dials forwardTo", async () => {
    await t.apply({
      ...profile,
      slug: "no-transfer",
      name: "No Transfer Co",
      phoneNumbers: ["+15555550500"],
      numberSources: {},
      voice: { aiAnswer: "always" },
    });
    const phone = newCaller();
    const call = callParams({ from: phone, to: "+15555550500" });
    const xml0 = await (await t.post("/webhooks/twilio/voice", call)).text();
    expect(xml0).toContain("<ConversationRelay");
    const c = await open(call.CallSid);
    c.setup({ from: phone, to: "+15555550500" });
    c.prompt("Can I talk to a real person please?");
    const end = (await c.waitFrame((f) => f.type === "end")) as { handoffData: string };
    expect(model.requests).toHaveLength(0);
    const xml = await (
      await t.post("/webhooks/twilio/voice/relay-end", { AccountSid: ACCOUNT_SID, CallSid: call.CallSid!, To: "+15555550500", HandoffData: end.handoffData })
    ).text();
    expect(xml).toContain(`<Number>${ACME_FORWARD}</Number>`);
    await c.close();
  });

  it("an emergency on the call: the safety message is said, no model call, the caller is handed over and the office alerted", async () => {
    const phone = newCaller();
    const { call } = await missedThenRelay(phone);
    const c = await open(call.CallSid);
    c.setup({ from: phone, to: ACME_NUMBER });
    c.prompt("I smell gas in the basement, what do I do?");
    const end = (await c.waitFrame((f) => f.type === "end")) as { handoffData: string };
    expect(model.requests).toHaveLength(0);
    expect(texts(c)).toMatch(/call 911|gas company|leave/i);
    expect(JSON.parse(end.handoffData)).toMatchObject({ transfer: true, reason: "emergency (gas)" });
    const conv = await conversationOf(phone);
    await waitFor(() => t.ctx.prisma.alert.findFirst({ where: { kind: "emergency", subject: conv.id } }), "the emergency alert");
    await c.close();
  });

  it("pressing 0 asks for a person; the key press is in the transcript", async () => {
    const phone = newCaller();
    const { call } = await missedThenRelay(phone);
    const c = await open(call.CallSid);
    c.setup({ from: phone, to: ACME_NUMBER });
    c.dtmf("0");
    const end = (await c.waitFrame((f) => f.type === "end")) as { handoffData: string };
    expect(JSON.parse(end.handoffData)).toMatchObject({ transfer: true, reason: "the caller asked for a person" });
    await c.close();
    await waitFor(async () => (await voiceMessages(phone)).length === 2, "the transcript");
    expect(await voiceMessages(phone)).toEqual(["caller: Pressed 0", "ai: Sure, let me connect you with someone from the office."]);
  });

  it("a caller who hangs up before saying anything gets the missed-call text-back, once", async () => {
    const phone = newCaller();
    const { call } = await missedThenRelay(phone);
    const c = await open(call.CallSid);
    c.setup({ from: phone, to: ACME_NUMBER });
    await settle(100);
    expect(textsTo(phone)).toHaveLength(0); // not while the AI is on the line
    await c.close();
    await waitFor(() => textsTo(phone).length === 1, "the text-back");
    expect(textsTo(phone)[0]).toBe("Hi from Acme Plumbing, sorry we missed your call. How can we help?");
    await t.post("/webhooks/twilio/voice/relay-end", { AccountSid: ACCOUNT_SID, CallSid: call.CallSid!, To: ACME_NUMBER, SessionStatus: "completed" });
    await settle();
    expect(textsTo(phone)).toHaveLength(1);
    const row = await t.ctx.prisma.call.findUniqueOrThrow({ where: { callSid: call.CallSid! } });
    expect(row).toMatchObject({ status: "missed", aiOutcome: "silent" });
    expect(await voiceMessages(phone)).toEqual(["caller: Missed call"]);
  });

  it("a caller who spoke gets no text-back when the socket drops mid-reply, and the session ends cleanly", async () => {
    const phone = newCaller();
    const { call } = await missedThenRelay(phone);
    const c = await open(call.CallSid);
    c.setup({ from: phone, to: ACME_NUMBER });
    model.say("hang");
    c.prompt("Hi, I have a question about a drain.");
    await waitFor(() => model.requests.length === 1, "the model call");
    c.ws.terminate();
    await waitFor(async () => (await t.ctx.prisma.call.findUnique({ where: { callSid: call.CallSid! } }))?.aiOutcome === "hangup", "the session end");
    await settle();
    expect(textsTo(phone)).toHaveLength(0);
    expect(await voiceMessages(phone)).toEqual(["caller: Hi, I have a question about a drain."]);
  });
});

describe("the call's maximum length", () => {
  it("at voice.maxCallMinutes the assistant says it is handing over, ends the session with a hand-off, and the office is alerted once", async () => {
    // a second server whose calls last 1.5 s at most (the profile's minutes, shortened for the test)
    const short = await startTestLeadline({
      llm: createOpenAiProvider({ apiKey: "sk-test-key-0000", timeoutMs: 3000, maxRetries: 0 }),
      voiceMaxCallMs: 1500,
    });
    try {
      await short.apply(profile);
      short.clock.set("2026-11-17T14:00:00Z");
      const phone = newCaller();
      const call = callParams({ from: phone, to: ACME_NUMBER });
      await short.post("/webhooks/twilio/voice", call);
      await short.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
      const c = await connectRelay(short.url, { token: TWILIO_TOKEN, publicBaseUrl: PUBLIC_BASE_URL, callSid: call.CallSid! });
      c.setup({ from: phone, to: ACME_NUMBER });
      model.say({ content: "Sure, I can help with that drain. What is the ZIP code of the job?" });
      c.prompt("Hi, my kitchen drain is slow.");
      const end = (await c.waitFrame((f) => f.type === "end")) as { handoffData: string };
      expect(JSON.parse(end.handoffData)).toMatchObject({ transfer: true, reason: "the call reached its maximum length" });
      expect(texts(c)).toContain("let me hand you to someone from the office");
      await c.close();
      const conv = await short.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone } } });
      await waitFor(() => short.ctx.prisma.alert.findFirst({ where: { kind: "voice-handoff", subject: conv.id } }), "the office alert");
      await waitFor(async () => (await short.ctx.prisma.call.findUnique({ where: { callSid: call.CallSid! } }))?.aiOutcome === "handoff", "the call record");
      expect(await short.ctx.prisma.alert.count({ where: { subject: conv.id } })).toBe(1);
    } finally {
      await short.close();
    }
  });
});

describe("the prompt a call speaks from", () => {
  it("is the one the owner published from the console, as for texts", async () => {
    const text = readFileSync("prompts/system.md", "utf8").replace("# Who you are", "# Who you are\n\nVoice marker 7731: you answer the night line.");
    const published = await fetch(`${t.url}/api/admin/businesses/acme-plumbing/prompts/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ text }),
    });
    expect(published.status).toBe(200);
    try {
      const phone = newCaller();
      const { call } = await missedThenRelay(phone);
      const c = await open(call.CallSid);
      c.setup({ from: phone, to: ACME_NUMBER });
      let system = "";
      model.say((req) => {
        system = String(req.messages[0]?.content ?? "");
        return { content: "Sure, what is the ZIP code of the job?" };
      });
      c.prompt("Hi, my kitchen drain is slow.");
      await c.waitFrame((f) => f.type === "text" && (f as { last?: boolean }).last === true);
      expect(system).toContain("Voice marker 7731");
      await c.close();
    } finally {
      await t.ctx.prisma.promptVersion.deleteMany({});
    }
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { callParams, dialStatusParams, recordingParams, sid, transcriptionParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_FORWARD, ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

// Wednesday 2026-11-18 10:00 in New York: open
const OPEN = "2026-11-18T15:00:00Z";
// Saturday 2026-11-21 10:00 in New York: closed
const CLOSED = "2026-11-21T15:00:00Z";

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline();
  await t.apply(acmeProfile({ textBack: { template: "Hi from {{business}}, sorry we missed you. How can we help?", windowMinutes: 30 } }));
});
afterAll(() => t.close());
afterEach(() => {
  twilio.reset();
  t.clock.set(OPEN);
});

let n = 0;
const nextCaller = () => `+1646555${String(1000 + ++n).padStart(4, "0")}`;
const textsTo = (phone: string) => twilio.sent.filter((m) => m.To === phone);

async function ring(from: string) {
  const call = callParams({ from, to: ACME_NUMBER });
  const res = await t.post("/webhooks/twilio/voice", call);
  return { call, res, xml: await res.text() };
}
async function endDial(call: Record<string, string>, status: string) {
  const res = await t.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, status));
  return { res, xml: await res.text() };
}

describe("incoming call", () => {
  it("rings forwardTo with call screening and sends nothing yet", async () => {
    const from = nextCaller();
    const { res, xml } = await ring(from);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/xml/);
    expect(xml).toContain(`<Dial action="https://leadline.test/webhooks/twilio/voice/dial-status"`);
    expect(xml).toContain('timeout="20"');
    expect(xml).toContain('answerOnBridge="true"');
    expect(xml).toMatch(
      new RegExp(
        `<Number url="https://leadline.test/webhooks/twilio/voice/screen\\?parent=CA[0-9a-f]{32}&amp;b=acme-plumbing" method="POST">\\${ACME_FORWARD}</Number>`,
      ),
    );
    await waitFor(async () => (await t.ctx.prisma.call.count({ where: { fromNumber: from } })) === 1, "call row");
    await settle();
    expect(textsTo(from)).toHaveLength(0);
  });

  it("the screening prompt asks the person to press a key, and pressing one marks the call accepted", async () => {
    const { call, xml: dialXml } = await ring(nextCaller());
    // Twilio requests the <Number url> exactly as given in the TwiML
    const screenPath = /<Number url="https:\/\/leadline\.test([^"]+)"/.exec(dialXml)![1]!.replace(/&amp;/g, "&");
    const screen = await t.post(screenPath, {
      CallSid: sid("CA"),
      AccountSid: call.AccountSid!,
      From: call.From!,
      To: ACME_FORWARD,
      ParentCallSid: call.CallSid!,
    });
    const xml = await screen.text();
    expect(xml).toContain("Call for Acme Plumbing. Press any key to answer.");
    expect(xml).toContain(`<Gather numDigits="1" timeout="6" action="https://leadline.test/webhooks/twilio/voice/screen/accept?parent=${call.CallSid}"`);
    expect(xml).toContain("<Hangup/>");
    const accept = await t.post(`/webhooks/twilio/voice/screen/accept?parent=${call.CallSid}`, {
      CallSid: sid("CA"),
      AccountSid: call.AccountSid!,
      Digits: "1",
    });
    expect(accept.status).toBe(200);
    const { xml: after } = await endDial(call, "completed");
    expect(after).toContain("<Hangup/>");
    await waitFor(async () => (await t.ctx.prisma.call.findUnique({ where: { callSid: call.CallSid! } }))?.status === "answered", "answered");
    await settle();
    expect(textsTo(call.From!)).toHaveLength(0);
  });

  it.each(["no-answer", "busy", "failed", "canceled"])("DialCallStatus %s ⇒ one text-back from the number called, and voicemail", async (status) => {
    const from = nextCaller();
    const { call } = await ring(from);
    const { xml } = await endDial(call, status);
    if (status !== "canceled") expect(xml).toContain('<Record action="https://leadline.test/webhooks/twilio/voice/recording"');
    await waitFor(() => textsTo(from).length === 1, "text-back");
    const [text] = textsTo(from);
    expect(text!.From).toBe(ACME_NUMBER);
    expect(text!.Body).toBe("Hi from Acme Plumbing, sorry we missed you. How can we help?");
    // the text goes out before the call row is updated (speed to lead first)
    const row = await waitFor(async () => {
      const c = await t.ctx.prisma.call.findUniqueOrThrow({ where: { callSid: call.CallSid! } });
      return c.status === "missed" ? c : undefined;
    }, "call marked missed");
    expect(row.missedReason).toBe(status);
  });

  it("a personal voicemail that picks up (completed, nobody pressed a key) still counts as missed", async () => {
    const from = nextCaller();
    const { call } = await ring(from);
    const { xml } = await endDial(call, "completed");
    expect(xml).toContain("<Record");
    await waitFor(() => textsTo(from).length === 1, "text-back");
  });

  it("three missed calls in a row inside the window are one text; after the window, another", async () => {
    const from = nextCaller();
    for (let i = 0; i < 3; i++) {
      const { call } = await ring(from);
      await endDial(call, "no-answer");
      t.clock.advance(60_000);
    }
    await waitFor(async () => (await t.ctx.prisma.call.count({ where: { fromNumber: from, status: "missed" } })) === 3, "three missed calls");
    await settle();
    expect(textsTo(from)).toHaveLength(1);
    t.clock.advance(31 * 60_000);
    const { call } = await ring(from);
    await endDial(call, "no-answer");
    await waitFor(() => textsTo(from).length === 2, "second text after the window");
  });

  it("the same dial-status delivered three times is one text", async () => {
    const from = nextCaller();
    const { call } = await ring(from);
    const p = dialStatusParams(call, "no-answer");
    await Promise.all([1, 2, 3].map(() => t.post("/webhooks/twilio/voice/dial-status", p)));
    await waitFor(() => textsTo(from).length === 1, "text-back");
    await settle();
    expect(textsTo(from)).toHaveLength(1);
    expect(await t.ctx.prisma.inboundEvent.count({ where: { externalId: `dial-${call.CallSid}` } })).toBe(1);
  });

  it("never texts an opted-out caller", async () => {
    const from = nextCaller();
    const { call } = await ring(from);
    await waitFor(() => t.ctx.prisma.contact.findFirst({ where: { phone: from } }), "contact");
    await t.ctx.prisma.contact.updateMany({ where: { phone: from }, data: { optedOutAt: new Date() } });
    await endDial(call, "no-answer");
    await waitFor(async () => (await t.ctx.prisma.call.findUnique({ where: { callSid: call.CallSid! } }))?.status === "missed", "missed");
    await settle();
    expect(twilio.attempts.filter((m) => m.To === from)).toHaveLength(0);
  });

  it("after hours goes straight to voicemail and texts back at once", async () => {
    t.clock.set(CLOSED);
    const from = nextCaller();
    const { xml } = await ring(from);
    expect(xml).not.toContain("<Dial");
    expect(xml).toContain("<Record");
    await waitFor(() => textsTo(from).length === 1, "after-hours text-back");
  });

  it("with nobody to forward to, the call is missed at once", async () => {
    await t.apply(acmeProfile({ slug: "solo-roofing", name: "Solo Roofing", phoneNumbers: ["+15555550300"], numberSources: {}, forwardTo: [] }));
    const from = nextCaller();
    const res = await t.post("/webhooks/twilio/voice", callParams({ from, to: "+15555550300" }));
    expect(await res.text()).toContain("<Record");
    await waitFor(() => textsTo(from).length === 1, "text-back");
    expect(textsTo(from)[0]!.From).toBe("+15555550300");
  });

  it("a call to a number no business owns gets a polite hang-up and no text", async () => {
    const from = nextCaller();
    const res = await t.post("/webhooks/twilio/voice", callParams({ from, to: "+15555550999" }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<Hangup/>");
    await settle();
    expect(twilio.attempts.filter((m) => m.To === from)).toHaveLength(0);
  });

  it("voicemail recording and its transcription join the caller's conversation as one message", async () => {
    const from = nextCaller();
    const { call } = await ring(from);
    await endDial(call, "no-answer");
    await waitFor(() => textsTo(from).length === 1, "text-back");
    const rec = recordingParams(call);
    const r1 = await t.post("/webhooks/twilio/voice/recording", rec);
    expect(await r1.text()).toContain("<Hangup/>");
    await t.post("/webhooks/twilio/voice/recording", transcriptionParams(call, rec.RecordingSid!, "Water heater is leaking in the basement"));
    const conv = await waitFor(async () => {
      const c = await t.ctx.prisma.conversation.findFirst({ where: { contact: { phone: from } }, include: { messages: { orderBy: { createdAt: "asc" } } } });
      return c?.messages.some((m) => m.body.includes("Water heater")) ? c : undefined;
    }, "voicemail with transcription");
    const voicemails = conv.messages.filter((m) => m.providerId === `vm-${rec.RecordingSid}`);
    expect(voicemails).toHaveLength(1);
    expect(voicemails[0]!.media).toEqual([{ url: `${rec.RecordingUrl}.mp3`, contentType: "audio/mpeg" }]);
    expect(conv.messages.map((m) => m.body)).toEqual(expect.arrayContaining(["Missed call", expect.stringMatching(/^Hi from Acme/)]));
    const callRow = await t.ctx.prisma.call.findUniqueOrThrow({ where: { callSid: call.CallSid! } });
    expect(callRow.transcription).toBe("Water heater is leaking in the basement");
  });

  it.each([
    ["/webhooks/twilio/voice", (c: Record<string, string>) => c],
    ["/webhooks/twilio/voice/dial-status", (c: Record<string, string>) => dialStatusParams(c, "no-answer")],
    ["/webhooks/twilio/voice/recording", (c: Record<string, string>) => recordingParams(c)],
  ])("%s: bad signature ⇒ 403 and nothing stored", async (path, build) => {
    const call = callParams({ from: nextCaller(), to: ACME_NUMBER });
    const res = await t.post(path, build(call), { signature: "AAAA" });
    expect(res.status).toBe(403);
    expect(await t.ctx.prisma.inboundEvent.count({ where: { payload: { path: ["CallSid"], equals: call.CallSid } } })).toBe(0);
  });

  it("a dial-status with an unknown DialCallStatus is a 400", async () => {
    const { call } = await ring(nextCaller());
    const res = await t.post("/webhooks/twilio/voice/dial-status", { ...dialStatusParams(call, "no-answer"), DialCallStatus: "exploded" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^DialCallStatus/);
  });
});

describe("the report", () => {
  it("counts the month's missed calls and those whose text-back went out (three in a row inside the window: one text)", async () => {
    await settle();
    const res = await t.admin("/api/admin/businesses/acme-plumbing/reports?from=2026-11-01&to=2026-11-30");
    expect(res.status).toBe(200);
    const { missedCalls } = (await res.json()) as { missedCalls: { missed: number; textedBack: number } };
    // Acme's, in November in New York, as the report reads it (another business's missed call is left out)
    const createdAt = { gte: new Date("2026-11-01T04:00:00Z"), lt: new Date("2026-12-01T05:00:00Z") };
    const business = { slug: "acme-plumbing" };
    expect(await t.ctx.prisma.call.count({ where: { status: "missed", business: { isNot: business } } })).toBeGreaterThan(0);
    const calls = await t.ctx.prisma.call.findMany({ where: { status: "missed", createdAt, business }, select: { callSid: true } });
    const textedBack = await t.ctx.prisma.message.count({
      where: { purpose: "textback", dedupeKey: { in: calls.map((c) => `textback-${c.callSid}`) }, status: { in: ["accepted", "sent", "delivered", "read"] } },
    });
    expect(missedCalls).toEqual({ missed: calls.length, textedBack });
    expect(textedBack).toBeGreaterThan(0);
    expect(textedBack).toBeLessThan(calls.length);
  });
});

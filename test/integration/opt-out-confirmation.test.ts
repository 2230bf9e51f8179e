// Plain-language opt-outs (FCC 2024: "in any reasonable manner") end to end: the contact is opted
// out and gets ONE confirmation text — not one per message, not two when two messages race — while
// the STOP keywords get none from us (Twilio's opt-out handling confirms those itself).
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline();
  await t.apply(acmeProfile());
});
afterAll(() => t.close());
afterEach(() => twilio.reset());

const textsTo = (phone: string) => twilio.sent.filter((m) => m.To === phone);
const optedOut = async (phone: string) => (await t.ctx.prisma.contact.findFirst({ where: { phone } }))?.optedOutAt;
const text = (from: string, body: string) => t.post("/webhooks/twilio/sms", smsParams({ from, to: ACME_NUMBER, body }));

it('"please stop texting me" opts out with one confirmation; "remove me from your list" after it sends nothing more', async () => {
  const phone = "+12125559201";
  expect((await text(phone, "please stop texting me")).status).toBe(200);
  await waitFor(() => textsTo(phone).length === 1, "the confirmation");
  expect(await optedOut(phone)).toBeTruthy();
  expect(textsTo(phone)[0]!.Body).toMatch(/unsubscribed.*Reply START/);
  expect(textsTo(phone)[0]!.From).toBe(ACME_NUMBER);
  const row = await t.ctx.prisma.message.findFirstOrThrow({ where: { toNumber: phone, direction: "outbound" } });
  expect(row.purpose).toBe("opt-out-confirmation");

  expect((await text(phone, "remove me from your list")).status).toBe(200);
  await waitFor(async () => (await t.ctx.prisma.optOutEvent.count({ where: { contact: { phone } } })) === 1, "the first opt-out logged");
  await waitFor(async () => (await t.ctx.prisma.inboundEvent.count({ where: { kind: "sms", status: "pending" } })) === 0, "the second message processed");
  await settle(300);
  expect(textsTo(phone)).toHaveLength(1);
  // and nothing else reaches the number: not the agent, not a sequence
  expect(await t.ctx.prisma.message.count({ where: { toNumber: phone, direction: "outbound" } })).toBe(1);
});

it("two plain-language opt-outs arriving together still make one confirmation", async () => {
  const phone = "+12125559202";
  const answers = await Promise.all([text(phone, "unsubscribe please"), text(phone, "Remove me")]);
  expect(answers.map((a) => a.status)).toEqual([200, 200]);
  await waitFor(() => textsTo(phone).length === 1, "a confirmation");
  await waitFor(async () => (await t.ctx.prisma.inboundEvent.count({ where: { kind: "sms", status: "pending" } })) === 0, "both processed");
  await settle(300);
  expect(textsTo(phone)).toHaveLength(1);
  expect(await optedOut(phone)).toBeTruthy();
});

it("the STOP keyword opts out with no text from us (Twilio confirms it); opting back in and out again confirms again", async () => {
  const phone = "+12125559203";
  await text(phone, "STOP");
  await waitFor(() => optedOut(phone), "STOP honoured");
  await settle(300);
  expect(textsTo(phone)).toHaveLength(0);

  await text(phone, "START");
  await waitFor(async () => !(await optedOut(phone)), "START honoured");
  await text(phone, "stop texting me please");
  await waitFor(() => textsTo(phone).length === 1, "the confirmation of the second opt-out");
  expect(await optedOut(phone)).toBeTruthy();
});

it("an ordinary request that mentions removing something is not an opt-out", async () => {
  const phone = "+12125559204";
  await text(phone, "can you remove the old water heater when you come?");
  await waitFor(async () => (await t.ctx.prisma.inboundEvent.count({ where: { kind: "sms", status: "pending" } })) === 0, "processed");
  await settle(200);
  expect(await optedOut(phone)).toBeFalsy();
  expect(textsTo(phone).every((m) => !/unsubscribed/.test(m.Body))).toBe(true);
});

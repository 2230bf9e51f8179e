// Lanes by urgency: with the conversation lane completely stuck, a missed call is still texted
// back, a form lead still gets its first text and STOP still works; the stuck work resumes after.
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { callParams, dialStatusParams, smsParams } from "../fakes/twilio-webhooks.ts";
import { ACME_NUMBER, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline();
  await t.apply(acmeProfile({ forms: { token: "lane-form-token-1234" } }));
});
afterEach(async () => {
  await t.ctx.queues.byName.inbound.resume();
  await t.ctx.queues.byName.outbound.resume();
});
afterAll(() => t.close());

it("urgent work goes through while the conversation lane is stopped; conversation work waits, then goes", async () => {
  await t.ctx.queues.byName.inbound.pause();
  await t.ctx.queues.byName.outbound.pause();

  const chatty = "+12125558101";
  expect((await t.post("/webhooks/twilio/sms", smsParams({ from: chatty, to: ACME_NUMBER, body: "do you do gutters?" }))).status).toBe(200);

  const caller = "+12125558102";
  const call = callParams({ from: caller, to: ACME_NUMBER });
  await t.post("/webhooks/twilio/voice", call);
  await t.post("/webhooks/twilio/voice/dial-status", dialStatusParams(call, "no-answer"));
  await waitFor(() => twilio.sent.some((m) => m.To === caller), "the text-back, conversation lane stopped");

  const lead = "+12125558103";
  const form = await fetch(`${t.url}/webhooks/forms/acme-plumbing`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-leadline-token": "lane-form-token-1234" },
    body: JSON.stringify({ name: "Pat Lee", phone: lead, message: "leaky faucet" }),
  });
  expect(form.status).toBe(202);
  await waitFor(() => twilio.sent.some((m) => m.To === lead), "the speed-to-lead text, conversation lane stopped");

  const stopper = "+12125558104";
  await t.post("/webhooks/twilio/sms", smsParams({ from: stopper, to: ACME_NUMBER, body: "STOP" }));
  await waitFor(async () => (await t.ctx.prisma.contact.findFirst({ where: { phone: stopper } }))?.optedOutAt, "STOP honoured, conversation lane stopped");

  await settle(300);
  expect(twilio.sent.some((m) => m.To === chatty)).toBe(false); // the ordinary message waits its turn
  await t.ctx.queues.byName.inbound.resume();
  await t.ctx.queues.byName.outbound.resume();
  await waitFor(() => twilio.sent.some((m) => m.To === chatty), "the ordinary answer once the lane moves");
});

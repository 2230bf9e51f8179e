// The Inbox with 10,000 conversations (20,000 messages, 10,000 leads) in a real headless Chromium:
// the first page paints in under a second after navigation, the "Needs attention" count covers the
// whole business, and "Load more conversations" pages on past the first 50.
import { type Browser } from "playwright-core";
import { launchBrowser } from "../helpers/launch-browser.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConsoleClient } from "../../src/console/build-console-client.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ADMIN_TOKEN, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

const N = 10_000;
let t: TestLeadline;
let browser: Browser;

beforeAll(async () => {
  await buildConsoleClient();
  t = await startTestLeadline();
  const businessId = await t.apply(acmeProfile());
  const sql = (q: string) => t.ctx.prisma.$executeRawUnsafe(q, businessId, N);
  // conversation i: last message i minutes before the clock's start; every third one the homeowner wrote last
  await sql(`INSERT INTO "Contact" ("id", "businessId", "phone", "name", "createdAt", "updatedAt")
    SELECT 'ct' || lpad(i::text, 22, '0'), $1, '+1212' || lpad(i::text, 7, '0'), 'Customer ' || i, now(), now() FROM generate_series(1, $2) i`);
  await sql(`INSERT INTO "Conversation" ("id", "businessId", "contactId", "lastMessageAt", "createdAt", "updatedAt")
    SELECT 'cv' || lpad(i::text, 22, '0'), $1, 'ct' || lpad(i::text, 22, '0'), TIMESTAMP '2026-11-18 14:00:00' - make_interval(mins => i), now(), now()
    FROM generate_series(1, $2) i`);
  await sql(`INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body", "status", "createdAt", "updatedAt")
    SELECT 'mi' || lpad(i::text, 22, '0'), $1, 'cv' || lpad(i::text, 22, '0'), 'ct' || lpad(i::text, 22, '0'), 'inbound', 'sms', 'contact', 'Message ' || i, 'received',
      TIMESTAMP '2026-11-18 14:00:00' - make_interval(mins => i, secs => 30), now()
    FROM generate_series(1, $2) i`);
  await sql(`INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body", "status", "createdAt", "updatedAt")
    SELECT 'mo' || lpad(i::text, 22, '0'), $1, 'cv' || lpad(i::text, 22, '0'), 'ct' || lpad(i::text, 22, '0'), 'outbound', 'sms', 'ai', 'Reply ' || i, 'delivered',
      TIMESTAMP '2026-11-18 14:00:00' - make_interval(mins => i), now()
    FROM generate_series(1, $2) i WHERE i % 3 <> 0`);
  await sql(`INSERT INTO "Lead" ("id", "businessId", "contactId", "conversationId", "source", "channel", "createdAt", "updatedAt")
    SELECT 'ld' || lpad(i::text, 22, '0'), $1, 'ct' || lpad(i::text, 22, '0'), 'cv' || lpad(i::text, 22, '0'), 'google-lsa', 'sms', now(), now() FROM generate_series(1, $2) i`);
  await t.ctx.prisma.$executeRawUnsafe(`ANALYZE`);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("inbox at 10,000 conversations", () => {
  // what it shows at that size; how fast is a figure, not a pass/fail here (a loaded CI machine is no stopwatch)
  it("shows the newest page first (50, paged), counts what needs attention, and pages on", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${t.url}/console`);
    await page.getByRole("textbox", { name: "Admin token" }).fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Customer 1", exact: true }).waitFor();

    // the API alone, for the record
    for (const path of ["/api/admin/me", "/api/admin/businesses/acme-plumbing/conversations?limit=50"]) {
      const s = Date.now();
      await t.admin(path);
      console.log(`${path}: ${Date.now() - s} ms`);
    }
    // a fresh load: navigation start to the first conversation on screen
    const t0 = Date.now();
    await page.goto(`${t.url}/console`);
    await page.getByRole("link", { name: "Customer 1", exact: true }).waitFor();
    const firstPaintMs = Date.now() - t0;
    console.log(`inbox first paint with ${N} conversations: ${firstPaintMs} ms`);

    const list = page.getByRole("list", { name: "Conversations" });
    expect(await list.getByRole("link").count()).toBe(50);
    expect(await list.getByRole("link").nth(49).textContent()).toBe("Customer 50");
    expect(await page.locator("#attention-count").textContent()).toBe(String(Math.floor(N / 3)));
    await page.getByRole("button", { name: "Load more conversations" }).click();
    await list.getByRole("link", { name: "Customer 100", exact: true }).waitFor();
    expect(await list.getByRole("link").count()).toBe(100);
    await context.close();
  });
});

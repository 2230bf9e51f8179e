// The embeddable chat widget in a real headless Chromium, on a page served from another origin,
// talking to a real Leadline (Postgres, Redis, queue worker); Twilio faked with msw.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, type Locator, type Page } from "playwright-core";
import { launchBrowser } from "../helpers/launch-browser.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

const SLUG = "acme-plumbing";
const GREETING = "Hi! How can we help today?";
const ACK = /Thanks for reaching out to Acme Plumbing/;

let t: TestLeadline;
let pageServer: Server;
let pageOrigin: string;
let browser: Browser;

function hostPage(): string {
  // hostile host styles: the widget must look the same whatever the site does
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Plumbing &amp; Drain</title>
<style>
  * { font-family: "Comic Sans MS", cursive; color: #600 !important; }
  button { background: hotpink !important; border: 4px dashed lime !important; }
  div { padding: 30px; }
  .ll-panel { display: none !important; }
</style></head>
<body>
  <h1>Acme Plumbing &amp; Drain</h1>
  <p>Leaky faucet? Burst pipe? We're on it.</p>
  <a href="/services">Our services</a>
  <script src="${t.url}/widget.js" data-business="${SLUG}" async></script>
</body></html>`;
}

beforeAll(async () => {
  t = await startTestLeadline();
  pageServer = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(hostPage());
  });
  await new Promise<void>((ok) => pageServer.listen(0, "127.0.0.1", ok));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  await t.apply(acmeProfile({ webchat: { allowedOrigins: [pageOrigin], greeting: GREETING } }));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => pageServer?.close(ok));
  await t?.close();
});
afterEach(() => twilio.reset());

/** a browser profile of its own (own localStorage), with page errors collected */
async function visitor(opts: { width?: number; height?: number; stored?: unknown } = {}) {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 } });
  if (opts.stored) await context.addInitScript(([k, v]) => localStorage.setItem(k, v), [`leadline:${SLUG}`, JSON.stringify(opts.stored)] as const);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const sessionPosts: Record<string, unknown>[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && /\/api\/chat\/[^/]+\/sessions$/.test(r.url())) sessionPosts.push(r.postDataJSON() as Record<string, unknown>);
  });
  return { context, page, errors, sessionPosts };
}

const bubbleBtn = (page: Page) => page.getByRole("button", { name: /^Open chat/ });
const dialog = (page: Page) => page.getByRole("dialog", { name: "Chat with Acme Plumbing" });
const chatLog = (page: Page) => page.getByRole("log");
/** the accessible name of the element focused inside the widget's shadow root (or the page) */
const focused = (page: Page) =>
  page.evaluate(() => {
    const a = document.activeElement;
    const el = a?.shadowRoot?.activeElement ?? a;
    return el?.getAttribute("aria-label") ?? el?.tagName ?? null;
  });
const texts = (l: Locator) => l.locator(".ll-msg").allTextContents();

async function sessionCount(): Promise<number> {
  return t.ctx.prisma.chatSession.count();
}

describe("web chat widget in a real browser", () => {
  let a: Awaited<ReturnType<typeof visitor>>;
  afterAll(() => a?.context.close());

  it("(a) opens from the bubble, shows the greeting, sends with Enter, and shows the acknowledgement", async () => {
    a = await visitor();
    const { page } = a;
    const before = await sessionCount();
    await page.goto(`${pageOrigin}/?utm_source=google&utm_campaign=spring&gclid=gc-123`);
    await bubbleBtn(page).click();
    await dialog(page).waitFor();
    await chatLog(page).getByText(GREETING).waitFor();
    expect(await page.locator(".ll-msg").first().textContent()).toBe(GREETING);

    const input = page.getByRole("textbox", { name: "Type your message" });
    expect(await input.getAttribute("maxlength")).toBe("1000");
    await input.fill("My kitchen sink is leaking under the cabinet");
    await input.press("Enter");
    expect(await input.inputValue()).toBe("");
    const mine = chatLog(page).locator('.ll-msg[data-author="contact"]');
    await mine.getByText("My kitchen sink is leaking under the cabinet").waitFor();
    const reply = chatLog(page).locator(".ll-msg").filter({ hasText: ACK });
    await reply.waitFor({ timeout: 15_000 });
    await page.getByRole("status", { name: "typing" }).waitFor({ state: "hidden" });

    // the optimistic bubble was reconciled with the echo (one bubble, carrying the server id)
    await waitFor(async () => (await mine.getAttribute("data-id")) !== null, "echo reconciled");
    expect(await mine.count()).toBe(1);
    expect(await texts(chatLog(page))).toEqual([GREETING, "My kitchen sink is leaking under the cabinet", expect.stringMatching(ACK)]);

    // visitor right, business left
    const box = async (l: Locator) => (await l.boundingBox())!;
    const logBox = await box(chatLog(page));
    const mineBox = await box(mine);
    const replyBox = await box(reply);
    expect(mineBox.x + mineBox.width).toBeGreaterThan(logBox.x + logBox.width - 2);
    expect(replyBox.x).toBeLessThan(logBox.x + 2);

    // the host page's CSS did not reach into the widget
    expect(await dialog(page).isVisible()).toBe(true);
    const sendBg = await page.getByRole("button", { name: "Send" }).evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(sendBg).not.toBe("rgb(255, 105, 180)");

    // one session, with the landing page's attribution
    expect(a.sessionPosts).toHaveLength(1);
    expect(a.sessionPosts[0]).toMatchObject({
      landingPage: `${pageOrigin}/?utm_source=google&utm_campaign=spring&gclid=gc-123`,
      utm: { source: "google", campaign: "spring" },
      gclid: "gc-123",
    });
    expect(await sessionCount()).toBe(before + 1);
    const stored = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), `leadline:${SLUG}`)) ?? "null");
    expect(stored).toMatchObject({ sessionId: expect.any(String), token: expect.any(String), greeting: GREETING, businessName: "Acme Plumbing" });
    expect(a.errors).toEqual([]);

    await page.screenshot({ path: "/tmp/widget.png" });
  });

  it("(b) after a reload, the same session and its history come back; no second session", async () => {
    const { page } = a;
    const before = await sessionCount();
    const stored = await page.evaluate((k) => localStorage.getItem(k), `leadline:${SLUG}`);
    expect(stored).not.toBeNull();
    await page.reload();
    await bubbleBtn(page).click();
    await dialog(page).waitFor();
    const log = chatLog(page);
    await log.getByText("My kitchen sink is leaking under the cabinet").waitFor();
    await log.locator(".ll-msg").filter({ hasText: ACK }).waitFor();
    expect(await texts(log)).toEqual([GREETING, "My kitchen sink is leaking under the cabinet", expect.stringMatching(ACK)]);
    expect(a.sessionPosts).toHaveLength(1); // none since (a)
    expect(await sessionCount()).toBe(before);
    expect(await page.evaluate((k) => localStorage.getItem(k), `leadline:${SLUG}`)).toBe(stored);
    expect(a.errors).toEqual([]);
  });
});

it("(c) keyboard: Tab reaches the bubble, Enter opens, Escape closes and focus returns to the bubble", async () => {
  const { context, page, errors } = await visitor();
  try {
    await page.goto(`${pageOrigin}/`);
    await bubbleBtn(page).waitFor();
    for (let i = 0; i < 5 && (await focused(page)) !== "Open chat"; i++) await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("Open chat");
    await page.keyboard.press("Enter");
    await dialog(page).waitFor();
    expect(await bubbleBtn(page).getAttribute("aria-expanded")).toBe("true");
    expect(await focused(page)).toBe("Type your message");
    await page.keyboard.press("Escape");
    await dialog(page).waitFor({ state: "hidden" });
    expect(await focused(page)).toBe("Open chat");
    expect(await bubbleBtn(page).getAttribute("aria-expanded")).toBe("false");
    // and the close button works the same way
    await page.keyboard.press("Enter");
    await dialog(page).waitFor();
    await page.getByRole("button", { name: "Close chat" }).click();
    await dialog(page).waitFor({ state: "hidden" });
    expect(await focused(page)).toBe("Open chat");
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('(d) "Text me instead": consent required, a code is texted (business name only), and typing it back continues the chat by text', async () => {
  const { context, page, errors } = await visitor();
  const phone = "+12125550199";
  try {
    await page.goto(`${pageOrigin}/`);
    await bubbleBtn(page).click();
    await chatLog(page).getByText(GREETING).waitFor();
    await page.getByRole("button", { name: "Text me instead" }).click();
    const submit = page.getByRole("button", { name: "Text me", exact: true });
    const consent = page.getByRole("checkbox", { name: /I agree to receive text messages from Acme Plumbing about my request/ });
    expect(await consent.isChecked()).toBe(false);
    await page.getByRole("textbox", { name: "Name" }).fill("Jane Homeowner");
    await page.getByRole("textbox", { name: "Mobile number" }).fill(phone);
    expect(await submit.isDisabled()).toBe(true);
    await consent.check();
    expect(await submit.isDisabled()).toBe(false);
    await consent.uncheck();
    expect(await submit.isDisabled()).toBe(true);
    await consent.check();
    await submit.click();

    // step two: the code we texted (nothing is joined until it comes back)
    const codeStep = page.getByRole("form", { name: "Enter the code we texted" });
    await codeStep
      .getByText(/^We texted a 6-digit code to …0199\. Enter it here, or reply to that text with just the code\. No text within a minute\?/)
      .waitFor();
    const codeBox = page.getByRole("textbox", { name: "Code" });
    expect(await codeBox.getAttribute("autocomplete")).toBe("one-time-code");
    expect(await codeBox.getAttribute("inputmode")).toBe("numeric");
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute("name") ?? null)).toBe("code");
    const sms = await waitFor(() => twilio.sent.find((m) => m.To === phone), "invitation to the visitor's number");
    expect(sms.From).toBe("+15555550100");
    expect(sms.Body).toMatch(/^Acme Plumbing: to continue your website chat by text, enter code \d{6} in the chat or reply with it\. Reply STOP to opt out\.$/);
    expect(sms.Body).not.toMatch(/Jane/);
    expect(await t.ctx.prisma.consent.count({ where: { contact: { phone } } })).toBe(0);
    const code = /code (\d{6})/.exec(sms.Body)![1]!;

    await codeBox.fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Confirm" }).click();
    await codeStep.getByRole("alert").filter({ hasText: "that is not the code we texted (4 tries left)" }).waitFor();
    await codeBox.fill(code);
    await page.getByRole("button", { name: "Confirm" }).click();
    await chatLog(page).getByText("Thanks, that's confirmed. We'll continue by text at …0199.").waitFor();
    await codeStep.waitFor({ state: "hidden" });
    expect(await page.getByRole("textbox", { name: "Type your message" }).isVisible()).toBe(true);
    const consentRow = await t.ctx.prisma.consent.findFirstOrThrow({ where: { contact: { phone } } });
    expect(consentRow.basis).toBe("webchat");
    expect(consentRow.wording).toBe("I agree to receive text messages from Acme Plumbing about my request. Msg & data rates may apply. Reply STOP to opt out.");
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it("(e) on a 390px-wide phone the panel is full screen", async () => {
  const { context, page, errors } = await visitor({ width: 390, height: 844 });
  try {
    await page.goto(`${pageOrigin}/`);
    await bubbleBtn(page).click();
    await dialog(page).waitFor();
    await chatLog(page).getByText(GREETING).waitFor();
    const b = (await dialog(page).boundingBox())!;
    expect(b).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect(await page.getByRole("textbox", { name: "Type your message" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Close chat" }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

// Needs the 401/404 answers of the session routes to carry CORS headers (otherwise the browser
// hides the status from the widget and it cannot tell a refused session from a network error).
it("(f) a stored session the server refuses is dropped and replaced by a new one", async () => {
  const res = await fetch(`${t.url}/api/chat/${SLUG}/sessions`, {
    method: "POST",
    headers: { origin: pageOrigin, "content-type": "application/json" },
    body: "{}",
  });
  expect(res.status).toBe(201);
  const real = (await res.json()) as { sessionId: string };
  const stale = { sessionId: real.sessionId, token: "not-the-token", greeting: "Old greeting", businessName: "Acme Plumbing" };
  const { context, page, errors, sessionPosts } = await visitor({ stored: stale });
  try {
    await page.goto(`${pageOrigin}/`);
    await bubbleBtn(page).click();
    const input = page.getByRole("textbox", { name: "Type your message" });
    await input.fill("Water heater is making a banging noise");
    await input.press("Enter");
    await chatLog(page).locator(".ll-msg").filter({ hasText: ACK }).waitFor({ timeout: 15_000 });
    expect(await texts(chatLog(page))).toEqual([GREETING, "Water heater is making a banging noise", expect.stringMatching(ACK)]);
    expect(sessionPosts).toHaveLength(1);
    const stored = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), `leadline:${SLUG}`)) ?? "null");
    expect(stored.sessionId).not.toBe(real.sessionId);
    expect(stored.token).not.toBe("not-the-token");
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it("(g) a failed send is retried with the same clientId and stored once; a 429 gets a polite notice", async () => {
  const { context, page, errors } = await visitor();
  const clientIds: string[] = [];
  const cors = { "access-control-allow-origin": pageOrigin, "content-type": "application/json" };
  let attempt = 0;
  try {
    await page.route(/\/api\/chat\/sessions\/[^/]+\/messages$/, async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      clientIds.push((route.request().postDataJSON() as { clientId: string }).clientId);
      attempt++;
      if (attempt === 1) {
        const res = await route.fetch(); // the server stores it, but the answer is lost
        expect(res.status()).toBe(202);
        return route.fulfill({ status: 503, headers: cors, body: '{"error":"unavailable"}' });
      }
      if (attempt === 2) return route.abort("failed");
      if (attempt === 4) return route.fulfill({ status: 429, headers: cors, body: '{"error":"too many requests, slow down"}' });
      return route.continue();
    });
    await page.goto(`${pageOrigin}/`);
    await bubbleBtn(page).click();
    await chatLog(page).getByText(GREETING).waitFor();
    const input = page.getByRole("textbox", { name: "Type your message" });
    const text = `Drain backing up ${Date.now()}`;
    await input.fill(text);
    await input.press("Enter");
    await chatLog(page).locator(".ll-msg").filter({ hasText: ACK }).waitFor({ timeout: 15_000 });
    await waitFor(() => attempt >= 3, "third attempt");
    expect(clientIds).toHaveLength(3);
    expect(new Set(clientIds).size).toBe(1);
    const mine = chatLog(page).locator('.ll-msg[data-author="contact"]');
    expect(await mine.allTextContents()).toEqual([text]);
    await waitFor(async () => !(await mine.getAttribute("class"))?.includes("ll-pending"), "bubble confirmed");
    expect(await t.ctx.prisma.message.count({ where: { body: text } })).toBe(1);

    await input.fill("Are you there?");
    await input.press("Enter");
    await page.getByRole("alert").filter({ hasText: "You're sending messages too fast" }).waitFor();
    expect(await mine.allTextContents()).toEqual([text]); // the refused message is not shown as sent
    expect(await input.inputValue()).toBe("Are you there?"); // and is given back to edit
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

// The owner console in a real headless Chromium against a real Leadline (Postgres, Redis, queue
// worker; Twilio faked with msw), driven by role and accessible name as CONTRACT.md names them.
import { mkdirSync } from "node:fs";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { launchBrowser } from "../helpers/launch-browser.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TReport } from "../../src/console/console-schemas.ts";
import { createAdminToken } from "../../src/console/require-admin.ts";
import { buildConsoleClient } from "../../src/console/build-console-client.ts";
import { bookAppointment } from "../../src/scheduling/book-appointment.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, ADMIN_TOKEN, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
useMsw(twilio.handler);

const BOB_NUMBER = "+15555550300";
const JANE = "+12125550140";
const OTHER = "+12125550188";
const SHOTS = "docs/console";

let t: TestLeadline;
let browser: Browser;
let acmeToken: string;
let bobConversationId: string;

beforeAll(async () => {
  await buildConsoleClient();
  t = await startTestLeadline();
  await t.apply(
    acmeProfile({
      booking: { crews: 2, bufferMinutes: 30, minNoticeHours: 2, horizonDays: 14 },
      services: [{ key: "water-heater", name: "Water heater repair", durationMinutes: 60, aliases: [] }],
    }),
  );
  await t.apply(acmeProfile({ slug: "bobs-hvac", name: "Bob's HVAC", phoneNumbers: [BOB_NUMBER], numberSources: { [BOB_NUMBER]: "website" } }));
  const acme = await t.ctx.prisma.business.findUniqueOrThrow({ where: { slug: "acme-plumbing" } });
  acmeToken = (await createAdminToken(t.ctx.prisma, { businessId: acme.id, label: "office", now: new Date() })).token;
  await t.post("/webhooks/twilio/sms", smsParams({ from: OTHER, to: BOB_NUMBER, body: "Secret furnace question for Bob" }));
  bobConversationId = await waitFor(
    async () => (await t.ctx.prisma.conversation.findFirst({ where: { business: { slug: "bobs-hvac" } } }))?.id,
    "Bob's conversation",
  );
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signedIn(token: string, width = 1280): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 860 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${t.url}/console`);
  await page.getByRole("textbox", { name: "Admin token" }).fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation").getByRole("link", { name: "Inbox" }).waitFor();
  return { context, page, errors };
}

describe("owner console", () => {
  let op: Awaited<ReturnType<typeof signedIn>>;
  afterAll(() => op?.context.close());

  it("signs in with the operator token: HttpOnly SameSite=Strict Secure cookie, nothing in the URL or storage; a wrong token is an alert", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const first = await page.goto(`${t.url}/console`);
    expect(first?.status()).toBe(200);
    await page.getByRole("textbox", { name: "Admin token" }).fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/not accepted/);
    await page.screenshot({ path: `${SHOTS}/sign-in.png` });
    await context.close();

    op = await signedIn(ADMIN_TOKEN);
    const cookies = await op.context.cookies();
    const c = cookies.find((x) => x.name === "leadline_admin");
    expect(c).toMatchObject({ httpOnly: true, sameSite: "Strict", secure: true });
    expect(op.page.url()).not.toContain(ADMIN_TOKEN);
    const stored = await op.page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    expect(stored).not.toContain(ADMIN_TOKEN);
    const nav = op.page.getByRole("navigation");
    for (const name of ["Inbox", "Calendar", "Reports", "Prompts", "Campaigns", "Sequences"]) await nav.getByRole("link", { name, exact: true }).waitFor();
    const business = op.page.getByRole("combobox", { name: "Business" });
    expect(await business.locator("option").allTextContents()).toEqual(["Acme Plumbing", "Bob's HVAC"]);
    await business.selectOption({ label: "Acme Plumbing" });
  });

  it("shows a new inbound text in the inbox within 2 s, without a reload, newest first; Needs attention filters and counts", async () => {
    const { page } = op;
    await page.getByRole("navigation").getByRole("link", { name: "Inbox" }).click();
    await page.getByRole("heading", { name: "Inbox" }).waitFor();
    // the stream is open before the text arrives
    await page.waitForFunction(() => document.querySelector(".inbox") !== null);
    const t0 = Date.now();
    await t.post("/webhooks/twilio/sms", smsParams({ from: JANE, to: ACME_NUMBER, body: "My water heater is leaking, can someone come today?" }));
    await page.getByRole("link", { name: JANE, exact: true }).waitFor({ timeout: 2000 });
    expect(Date.now() - t0).toBeLessThan(2000);
    // nothing of the other business
    expect(await page.getByText("Secret furnace question").count()).toBe(0);

    await t.post("/webhooks/twilio/sms", smsParams({ from: "+12125550177", to: ACME_NUMBER, body: "Do you do drain cleaning?" }));
    await page.getByRole("link", { name: "+12125550177", exact: true }).waitFor({ timeout: 2000 });
    const names = await page.getByRole("list", { name: "Conversations" }).getByRole("link").allTextContents();
    expect(names.slice(0, 2)).toEqual(["+12125550177", JANE]);

    // a person takes Jane's: she needs attention; the other was answered by the auto-reply
    const jane = await t.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone: JANE } } });
    await waitFor(() => t.ctx.prisma.message.count({ where: { conversationId: jane.id, direction: "outbound" } }), "Jane's acknowledgement");
    await t.ctx.prisma.conversation.update({ where: { id: jane.id }, data: { handledBy: "human" } });
    const filter = page.getByRole("button", { name: "Needs attention" });
    await filter.click();
    await page.getByRole("link", { name: JANE, exact: true }).waitFor();
    await waitFor(async () => (await page.getByRole("list", { name: "Conversations" }).getByRole("link").count()) === 1, "only Jane's");
    expect(await page.locator("#attention-count").textContent()).toBe("1");
    await page.screenshot({ path: `${SHOTS}/inbox.png` });
    await filter.click();
    await t.ctx.prisma.conversation.update({ where: { id: jane.id }, data: { handledBy: "ai" } });
  });

  it("opens a conversation: timeline, Take over / Resume AI one at a time, a reply goes out as typed, a note stays inside; all audited", async () => {
    const { page } = op;
    await page.getByRole("link", { name: JANE, exact: true }).click();
    await page.getByRole("heading", { name: JANE }).waitFor();
    const timeline = page.getByRole("list", { name: "Timeline" });
    await timeline.getByText("My water heater is leaking").waitFor();

    await page.getByRole("button", { name: "Take over" }).click();
    await page.getByRole("button", { name: "Resume AI" }).waitFor();
    expect(await page.getByRole("button", { name: "Take over" }).count()).toBe(0);
    expect((await t.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone: JANE } } })).handledBy).toBe("human");
    await page.getByRole("button", { name: "Resume AI" }).click();
    await page.getByRole("button", { name: "Take over" }).waitFor();
    expect(await page.getByRole("button", { name: "Resume AI" }).count()).toBe(0);

    const text = "Hi, this is Dana from Acme. We can be there at 3 pm, does that work?";
    twilio.reset();
    await page.getByRole("textbox", { name: "Reply" }).fill(text);
    await page.getByRole("button", { name: "Send" }).click();
    const sms = await waitFor(() => twilio.sent.find((m) => m.To === JANE), "the reply at Twilio");
    expect(sms.Body).toBe(text);
    expect(sms.From).toBe(ACME_NUMBER);
    await timeline.getByText(text).waitFor();
    // replying puts a person in charge (the AI stays quiet), as a Slack reply does
    await page.getByRole("button", { name: "Resume AI" }).waitFor();
    const row = await t.ctx.prisma.message.findFirstOrThrow({ where: { body: text } });
    expect(row).toMatchObject({ origin: "console", author: "human", kind: "reply", authorName: "operator" });

    await page.getByRole("textbox", { name: "Note" }).fill("Customer prefers afternoons");
    await page.getByRole("button", { name: "Add note" }).click();
    await timeline.getByText("Customer prefers afternoons").waitFor();
    expect(twilio.sent.filter((m) => m.Body.includes("afternoons"))).toHaveLength(0);

    await page.getByRole("button", { name: "Mark booked" }).click();
    await page.getByRole("complementary", { name: "Lead" }).getByText("booked", { exact: true }).waitFor();

    const audit = await t.ctx.prisma.auditEntry.findMany({ orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["take-over", "resume-ai", "take-over", "reply", "note", "mark-booked"]);
    expect(audit.every((a) => a.actor === "operator")).toBe(true);
    await page.screenshot({ path: `${SHOTS}/conversation.png`, fullPage: true });
    expect(op.errors).toEqual([]);
  });

  it("shows the reports API's figures, each chart an image named by its figure", async () => {
    const { page } = op;
    await page.getByRole("navigation").getByRole("link", { name: "Reports" }).click();
    for (const name of ["Speed to lead", "Leads by source", "First response by source", "Missed calls recovered", "Booked rate", "Revenue by source"]) {
      await page.getByRole("img", { name, exact: true }).waitFor();
    }
    const from = await page.getByLabel("From", { exact: true }).inputValue();
    const to = await page.getByLabel("To", { exact: true }).inputValue();
    const api = (await (await t.admin(`/api/admin/businesses/acme-plumbing/reports?from=${from}&to=${to}`)).json()) as {
      speedToLead: TReport["speedToLead"];
      bySource: { source: string; leads: number }[];
    };
    expect(api.speedToLead.leads).toBe(2);
    expect(await page.locator('[data-figure="leads"]').textContent()).toBe(String(api.speedToLead.leads));

    // speed to lead over time (the server's default range: 30 days, a point per day): the chart says
    // what it draws, and its table holds the API's series, period by period
    expect(api.speedToLead.bucket).toBe("day");
    expect(api.speedToLead.series).toHaveLength(30);
    expect(api.speedToLead.series.filter((p) => p.leads > 0).length).toBeGreaterThan(0);
    const overTime = page.getByRole("img", { name: "Speed to lead", exact: true });
    expect(await overTime.getAttribute("aria-describedby").then((id) => page.locator(`#${id}`).textContent())).toBe(
      "Median and p90 first-response seconds, per day",
    );
    await page.getByText("Speed to lead per day, as a table").click();
    const series = page.getByRole("table", { name: "Speed to lead over time" });
    const cells = await series.locator("tbody tr").evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? "")));
    const shown = (v: number | null) => (v === null ? "—" : String(v));
    expect(cells).toEqual(
      api.speedToLead.series.map((p) => [
        p.period,
        String(p.leads),
        String(p.responded),
        shown(p.medianFirstResponseSeconds),
        shown(p.p90FirstResponseSeconds),
      ]),
    );
    await page.getByText("Speed to lead per day, as a table").click();

    const table = page.getByRole("table", { name: "By source" });
    for (const s of api.bySource) {
      await table.getByRole("row", { name: new RegExp(`^${s.source} ${s.leads} `) }).waitFor();
    }
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const csv = await (await download).createReadStream().then(async (s) => {
      let out = "";
      for await (const chunk of s) out += String(chunk);
      return out;
    });
    expect(csv.split("\n")[0]).toMatch(/^source,leads,/);
    expect(csv).toContain(`google-lsa,${api.bySource.find((s) => s.source === "google-lsa")?.leads}`);
    await page.screenshot({ path: `${SHOTS}/reports.png`, fullPage: true });
  });

  it("calendar: visits by day and crew; reschedule and cancel go through the scheduling code, audited on the conversation", async () => {
    const { page } = op;
    const jane = await t.ctx.prisma.conversation.findFirstOrThrow({ where: { contact: { phone: JANE } } });
    const booked = await bookAppointment(t.ctx, {
      businessId: jane.businessId,
      contactId: jane.contactId,
      conversationId: jane.id,
      serviceKey: "water-heater",
      startAt: new Date("2026-11-19T15:00:00Z"),
      requireOffered: false,
    });
    expect(JSON.stringify(booked)).toContain('"kind":"booked"');
    await page.getByRole("navigation").getByRole("link", { name: "Calendar" }).click();
    const day = page.getByRole("region", { name: "2026-11-19" });
    await day.getByRole("heading", { name: "Crew 1" }).waitFor();
    await day.getByText("10:00–11:00").waitFor();
    await page.screenshot({ path: `${SHOTS}/calendar.png` });

    await day.getByRole("button", { name: "Reschedule" }).click();
    await day.getByLabel("New time").fill("2026-11-19T13:00");
    await day.getByRole("button", { name: "Move" }).click();
    await page.getByRole("status").getByText("moved to Thu Nov 19, 1:00 PM").waitFor();
    const moved = await t.ctx.prisma.appointment.findFirstOrThrow({ where: { status: "booked" } });
    expect(moved.startAt.toISOString()).toBe("2026-11-19T18:00:00.000Z");
    expect(moved.replacesId).toBe(booked.kind === "booked" ? booked.appointment.id : "");

    await day.getByText("13:00–14:00").waitFor();
    await day.locator(".visit-booked").getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("status").getByText("cancelled").waitFor();
    expect(await t.ctx.prisma.appointment.count({ where: { status: "booked" } })).toBe(0);
    const audit = await t.ctx.prisma.auditEntry.findMany({ where: { subjectId: jane.id, action: { startsWith: "appointment-" } }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["appointment-reschedule", "appointment-cancel"]);
  });

  it("campaigns: a segment's live count, the dry run, a launch confirmed by its count, pause and resume; all audited on the campaign", async () => {
    const { page } = op;
    const acme = await t.ctx.prisma.business.findUniqueOrThrow({ where: { slug: "acme-plumbing" } });
    const now = t.clock.now();
    for (const [i, consent] of [true, true, false].entries()) {
      const c = await t.ctx.prisma.contact.create({
        data: { businessId: acme.id, phone: `+1212555020${i}`, name: `Furnace Customer ${i}`, tags: ["furnace"], createdAt: now },
      });
      if (consent) await t.ctx.prisma.consent.create({ data: { businessId: acme.id, contactId: c.id, scope: "marketing", basis: "import", grantedAt: now } });
    }
    await page.getByRole("navigation").getByRole("link", { name: "Campaigns" }).click();
    const segment = page.getByRole("textbox", { name: "Segment" });
    await segment.fill("tag:furnace");
    await page.getByText("3 contacts match").waitFor();
    await segment.fill("tag:nothing-like-this");
    await page.getByText("0 contacts match").waitFor();
    await segment.fill("tag:furnace");
    await page.getByText("3 contacts match").waitFor();
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByRole("heading", { name: "Preview: 2 would get it, 1 skipped" }).waitFor();
    expect(await preview.textContent()).toMatch(/no-consent/);
    expect(await t.ctx.prisma.campaign.count()).toBe(0);

    await page.getByRole("button", { name: "Launch" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Confirm launch" });
    expect(await confirm.textContent()).toContain("3 contacts");
    await confirm.getByRole("button", { name: "Confirm" }).click();
    await page.getByRole("status").getByText("launched: 2 enrolled, 1 skipped").waitFor();
    const campaign = await t.ctx.prisma.campaign.findFirstOrThrow();
    expect(campaign).toMatchObject({ status: "running", segment: "tag:furnace", sequenceKey: "seasonal-reactivation" });

    await page.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("button", { name: "Resume" }).waitFor();
    expect((await t.ctx.prisma.campaign.findFirstOrThrow()).status).toBe("paused");
    await page.getByRole("button", { name: "Resume" }).click();
    await page.getByRole("button", { name: "Pause" }).waitFor();
    expect((await t.ctx.prisma.campaign.findFirstOrThrow()).status).toBe("running");
    const audit = await t.ctx.prisma.auditEntry.findMany({ where: { subjectType: "campaign", subjectId: campaign.id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["campaign-launch", "campaign-pause", "campaign-resume"]);
    await page.getByText("operator: pause").waitFor();
    await page.screenshot({ path: `${SHOTS}/campaigns.png`, fullPage: true });

    await page.getByRole("navigation").getByRole("link", { name: "Sequences" }).click();
    const review = page.getByRole("region", { name: "Review request" });
    await review.getByRole("switch").uncheck();
    await page.getByRole("status").getByText("review-request is off").waitFor();
    const profile = (await t.ctx.prisma.business.findUniqueOrThrow({ where: { slug: "acme-plumbing" } })).profile as { sequences: { disabled: string[] } };
    expect(profile.sequences.disabled).toEqual(["review-request"]);
    await page.screenshot({ path: `${SHOTS}/sequences.png` });
    await review.getByRole("switch").check();
    await page.getByRole("status").getByText("review-request is on").waitFor();
  });

  it("a per-business token sees only its business: no Business picker, another business's conversation is a not-found page with nothing of it", async () => {
    const b = await signedIn(acmeToken, 390);
    try {
      expect(await b.page.getByRole("combobox", { name: "Business" }).count()).toBe(0);
      await b.page.getByRole("link", { name: JANE, exact: true }).waitFor();
      expect(await b.page.getByText("Secret furnace question").count()).toBe(0);
      await b.page.screenshot({ path: `${SHOTS}/inbox-phone.png` });

      const res = await b.page.goto(`${t.url}/console/conversations/${bobConversationId}`);
      expect(res?.status()).toBe(404);
      await b.page.getByRole("heading", { name: "Conversation not found" }).waitFor();
      const html = await b.page.content();
      expect(html).not.toContain("Secret furnace");
      expect(html).not.toContain(OTHER);
      const api = await b.page.evaluate(async (id) => (await fetch(`/api/admin/conversations/${id}`)).status, bobConversationId);
      expect(api).toBe(404);
      const write = await b.page.evaluate(
        async (id) => (await fetch(`/api/admin/conversations/${id}/take-over`, { method: "POST" })).status,
        bobConversationId,
      );
      expect(write).toBe(404);
      expect((await t.ctx.prisma.conversation.findUniqueOrThrow({ where: { id: bobConversationId } })).handledBy).toBe("ai");

      // sign-out clears the cookie: the console is the sign-in page again
      await b.page.goto(`${t.url}/console`);
      await b.page.getByRole("button", { name: "Sign out" }).click();
      await b.page.getByRole("textbox", { name: "Admin token" }).waitFor();
      expect((await b.context.cookies()).find((x) => x.name === "leadline_admin")).toBeUndefined();
    } finally {
      await b.context.close();
    }
  });
});

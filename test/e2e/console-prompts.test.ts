// The console's Prompts page in a real headless Chromium: a draft's problems with their line, a
// rejected draft cannot be published, "Test" answers in a sandbox (tool calls, guard verdicts,
// nothing sent or booked), "Publish" makes a version the agent uses from its next turn, "Roll back".
// The model is scripted at the HTTP boundary (msw); Twilio faked.
import { type Browser, type Page } from "playwright-core";
import { launchBrowser } from "../helpers/launch-browser.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiProvider } from "../../src/agent/llm/create-openai-provider.ts";
import { buildConsoleClient } from "../../src/console/build-console-client.ts";
import { createScriptedModel } from "../fakes/scripted-model.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, ADMIN_TOKEN, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { waitFor } from "../helpers/wait-for.ts";

const twilio = createTwilioFake();
const model = createScriptedModel();
useMsw(twilio.handler, model.handler);

let t: TestLeadline;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await buildConsoleClient();
  t = await startTestLeadline({ llm: createOpenAiProvider({ apiKey: "sk-test-key-0000", timeoutMs: 1500, maxRetries: 0 }) });
  await t.apply(acmeProfile());
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  await page.goto(`${t.url}/console`);
  await page.getByRole("textbox", { name: "Admin token" }).fill(ADMIN_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation").getByRole("link", { name: "Prompts" }).click();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("console prompts", () => {
  it("shows a draft's problems with their line and will not publish it while it has an error", async () => {
    const prompt = page.getByRole("textbox", { name: "Prompt" });
    await expect.poll(() => prompt.inputValue()).toMatch(/^---\n/);
    await page.getByRole("region", { name: "Problems" }).getByText("No problems.").waitFor();
    const original = await prompt.inputValue();
    const broken = original.replace("# Who you are", "# Who you are\n\nYou work for {{bussiness}}.");
    const line = broken.split("\n").findIndex((l) => l.includes("{{bussiness}}")) + 1;
    await prompt.fill(broken);
    const problems = page.getByRole("region", { name: "Problems" });
    await problems.getByText(`line ${line}: unknown variable {{bussiness}}`, { exact: false }).waitFor();
    expect(await page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(true);
    // the API refuses it too (the button is not the only guard)
    const refused = await page.evaluate(
      async (text) => {
        const r = await fetch("/api/admin/businesses/acme-plumbing/prompts/publish", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text }),
        });
        return { status: r.status, body: (await r.json()) as { error: string } };
      },
      await prompt.inputValue(),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain(`line ${line}: unknown variable {{bussiness}}`);
    expect(await t.ctx.prisma.promptVersion.count()).toBe(0);
    await prompt.fill(original);
    await problems.getByText("No problems.").waitFor();
  });

  it("tests the draft in a sandbox: tool calls shown and not run, the guard's verdicts, nothing texted or booked", async () => {
    const prompt = page.getByRole("textbox", { name: "Prompt" });
    await prompt.fill((await prompt.inputValue()).replace("# Who you are", "# Who you are\n\nALWAYS SIGN AS SAM."));
    model.reset();
    model.say(
      { tools: [{ name: "book_appointment", arguments: { service: "water-heater", start: "2026-11-19T14:00:00Z" } }] },
      { content: "Great news, you get a FREE visit guaranteed!" },
      { content: "Hi, this is Sam, the virtual assistant at Acme Plumbing. The team will confirm a time with you shortly." },
    );
    await page.getByRole("button", { name: "Test" }).click();
    const result = page.getByRole("region", { name: "Test result" });
    await result.getByText("Hi, this is Sam, the virtual assistant at Acme Plumbing. The team will confirm a time with you shortly.").first().waitFor();
    expect(await result.getByRole("list", { name: "Tool calls" }).textContent()).toContain("book_appointment");
    const verdicts = await result.getByRole("list", { name: "Guard verdicts" }).getByRole("listitem").allTextContents();
    expect(verdicts[0]).toMatch(/^✗ rejected/);
    expect(verdicts[1]).toMatch(/^✓ passed/);
    // the draft went to the model; nothing was written or sent
    expect(model.requests[0]?.messages[0]?.content).toContain("ALWAYS SIGN AS SAM.");
    expect(await t.ctx.prisma.appointment.count()).toBe(0);
    expect(await t.ctx.prisma.conversation.count()).toBe(0);
    expect(twilio.sent).toHaveLength(0);
  });

  it("publishes the draft as a version the agent uses from its next turn, and rolls back", async () => {
    await page.getByRole("button", { name: "Publish" }).click();
    await page
      .getByRole("status")
      .getByText(/published as version 1/)
      .waitFor();
    const v1 = await t.ctx.prisma.promptVersion.findFirstOrThrow();
    expect(v1.text).toContain("ALWAYS SIGN AS SAM.");

    model.reset();
    await t.post("/webhooks/twilio/sms", smsParams({ from: "+12125550166", to: ACME_NUMBER, body: "Is anyone there?" }));
    await waitFor(() => model.requests.length > 0, "the agent's turn");
    expect(model.requests[0]?.messages[0]?.content).toContain("ALWAYS SIGN AS SAM.");

    const prompt = page.getByRole("textbox", { name: "Prompt" });
    await prompt.fill((await prompt.inputValue()).replace("ALWAYS SIGN AS SAM.", "ALWAYS SIGN AS ALEX."));
    await page.getByRole("button", { name: "Publish" }).click();
    await page
      .getByRole("status")
      .getByText(/published as version 2/)
      .waitFor();
    const history = page.getByRole("complementary", { name: "History" });
    await history.getByText("v2").waitFor();
    await page.screenshot({ path: "docs/console/prompts.png", fullPage: true });

    await history.getByRole("button", { name: "Roll back" }).click();
    await page.getByRole("status").getByText("version 1 is published again (as version 3)").waitFor();
    const versions = await t.ctx.prisma.promptVersion.findMany({ orderBy: { version: "asc" } });
    expect(versions.map((v) => [v.version, v.note])).toEqual([
      [1, "published"],
      [2, "published"],
      [3, "rolled back to v1"],
    ]);
    expect(versions[2]?.text).toBe(versions[0]?.text);
    await expect.poll(() => prompt.inputValue()).toContain("ALWAYS SIGN AS SAM.");
    const audit = await t.ctx.prisma.auditEntry.findMany({ where: { action: "prompt-publish" } });
    expect(audit).toHaveLength(3);
  });

  it("replays the evals with the draft beside the published prompt: a pass table", async () => {
    await page.getByRole("textbox", { name: "Only evals matching (empty: all)" }).fill("after-hours-evening");
    await page.getByRole("button", { name: "Replay evals" }).click();
    const table = page.getByRole("table");
    await table.waitFor({ timeout: 50_000 });
    expect(await table.locator("caption").textContent()).toMatch(/draft 1\/1 pass, published 1\/1 .*scripted/);
    const row = table.getByRole("row", { name: /after hours \(Tue 9:30 pm\)/ });
    expect(await row.getByRole("cell").allTextContents()).toEqual(["pass", "pass"]);
  }, 60_000);
});

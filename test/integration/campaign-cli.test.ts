// The campaign commands as an owner runs them: a real CLI process against the test database, a
// running Leadline sending what the campaign enrols.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { settle, waitFor } from "../helpers/wait-for.ts";

const run = promisify(execFile);
const twilio = createTwilioFake();
useMsw(twilio.handler);

let t: TestLeadline;
beforeAll(async () => {
  t = await startTestLeadline();
  await t.apply(acmeProfile());
});
afterAll(() => t.close());

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
      env: { ...process.env, DATABASE_URL: t.database.url },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe("campaign launch, status, pause and resume from the command line", () => {
  it("imports with consent, dry-runs (writes nothing), launches, reports, pauses and resumes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "campaign-cli-"));
    const consented = join(dir, "consented.csv");
    writeFileSync(
      consented,
      "name,phone,zip,last_job_date,tags\nAnn Lee,(212) 555-0101,10001,2024-10-01,furnace\nBo Diaz,305-555-0102,33101,2025-11-01,furnace\n",
    );
    const unconsented = join(dir, "walkins.csv");
    writeFileSync(unconsented, "name,phone,tags\nCy Park,+14155550103,furnace\n,,furnace\n");
    expect((await cli("contacts", "import", "acme-plumbing", consented, "--consent", "marketing", "--consent-source", "paper form at the counter")).code).toBe(
      0,
    );
    expect((await cli("contacts", "import", "acme-plumbing", unconsented)).code).toBe(0);

    const dry = await cli("campaign", "launch", "acme-plumbing", "seasonal-reactivation", "--segment", "tag:furnace last_job_before:2025-06-01", "--dry-run");
    expect(dry.code).toBe(0);
    // the CLI runs on the real clock: the first text goes at the next allowed moment in New York
    expect(dry.stdout).toMatch(/send {2}\+12125550101 {2}Ann Lee {2}at \w{3} \w{3} \d+, \d+:\d\d [AP]M E[SD]T: "Hi Ann, it's Acme Plumbing\./);
    expect(dry.stdout).not.toContain("Bo Diaz"); // last job too recent for this segment
    expect(dry.stdout).toMatch(/dry run: 1 would get "Seasonal reactivation" \(2 steps\), 0 skipped\. Nothing was written\./);
    expect(await t.ctx.prisma.enrollment.count()).toBe(0);

    const bad = await cli("campaign", "launch", "acme-plumbing", "seasonal-reactivation", "--segment", "colour:blue");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--segment: .*colour/);

    const launched = await cli("campaign", "launch", "acme-plumbing", "seasonal-reactivation", "--segment", "tag:furnace");
    expect(launched.code).toBe(0);
    const id = /campaign (\w+) launched: 2 enrolled in seasonal-reactivation, 1 skipped \(no-consent 1\)/.exec(launched.stdout)?.[1];
    expect(id).toBeTruthy();

    // the server's clock: 11:00 in New York on a day after the launch (the CLI used the real clock)
    const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    t.clock.set(`${day}T16:00:00Z`);
    await t.ll.sweep();
    await waitFor(() => twilio.sent.length === 2, "the two consented contacts' texts");
    expect(twilio.sent.map((m) => m.To).sort()).toEqual(["+12125550101", "+13055550102"]);

    const status = await cli("campaign", "status", "acme-plumbing");
    expect(status.stdout).toContain(`campaign ${id!}  seasonal-reactivation  running`);
    expect(status.stdout).toContain("enrolled 2: active 2, completed 0, stopped 0");
    expect(status.stdout).toContain("skipped 1 (no-consent 1)");
    expect(status.stdout).toMatch(/messages: (accepted|sent) 2/);

    expect((await cli("campaign", "pause", "acme-plumbing", id!)).stdout).toContain(`campaign ${id!} paused`);
    t.clock.set(`${new Date(Date.parse(`${day}T16:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10)}T16:00:00Z`); // a week later: step 2 is due, but paused
    await t.ll.sweep();
    await settle(400);
    expect(twilio.sent).toHaveLength(2);
    expect((await t.ctx.prisma.campaign.findUniqueOrThrow({ where: { id: id! } })).status).toBe("paused");

    expect((await cli("campaign", "resume", "acme-plumbing", id!)).stdout).toContain(`campaign ${id!} resumed`);
    await t.ll.sweep();
    await waitFor(() => twilio.sent.length === 4, "step 2 after resume");
  }, 240_000);
});

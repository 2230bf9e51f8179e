// Admin credentials: bearer or the console cookie, never a query string; per-business tokens see
// only their own business (others look missing); tokens never reach the logs.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminToken } from "../../src/console/require-admin.ts";
import { createTwilioFake } from "../fakes/twilio-api.ts";
import { smsParams } from "../fakes/twilio-webhooks.ts";
import { useMsw } from "../helpers/use-msw.ts";
import { ACME_NUMBER, ADMIN_TOKEN, acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";
import { waitFor } from "../helpers/wait-for.ts";

const run = promisify(execFile);
const twilio = createTwilioFake();
useMsw(twilio.handler);

const BETA_NUMBER = "+15555550300";
const logLines: string[] = [];
const log = pino({ level: "debug" }, { write: (s: string) => void logLines.push(s) });

let t: TestLeadline;
let acmeId: string;
let betaId: string;
let acmeConversation: string;
let betaConversation: string;
let acmeToken: string;
const issued: string[] = [];

const get = (path: string, headers: Record<string, string> = {}) => fetch(t.url + path, { headers, redirect: "manual" });
const body = async (res: Response) => (await res.json()) as Record<string, unknown>;

beforeAll(async () => {
  t = await startTestLeadline({ log });
  acmeId = await t.apply(acmeProfile());
  betaId = await t.apply(acmeProfile({ slug: "beta-hvac", name: "Beta HVAC", phoneNumbers: [BETA_NUMBER], numberSources: {} }));
  await t.post("/webhooks/twilio/sms", smsParams({ from: "+14155550101", to: ACME_NUMBER, body: "acme, help" }));
  await t.post("/webhooks/twilio/sms", smsParams({ from: "+14155550102", to: BETA_NUMBER, body: "beta, help" }));
  const rows = await waitFor(async () => {
    const r = await t.ctx.prisma.conversation.findMany({ select: { id: true, businessId: true } });
    return r.length === 2 ? r : undefined;
  }, "two conversations");
  acmeConversation = rows.find((r) => r.businessId === acmeId)!.id;
  betaConversation = rows.find((r) => r.businessId === betaId)!.id;
  acmeToken = (await createAdminToken(t.ctx.prisma, { businessId: acmeId, label: "acme office", now: t.clock.now() })).token;
  issued.push(acmeToken);
});
afterAll(() => t.close());

describe("where the admin token may come from", () => {
  it("a token in the query string is refused (401), even the operator's, and sets no cookie", async () => {
    const api = await get(`/api/admin/businesses/acme-plumbing/conversations?token=${ADMIN_TOKEN}`);
    expect(api.status).toBe(401);
    const board = await get(`/admin/queues?token=${ADMIN_TOKEN}`);
    expect(board.status).toBe(401);
    expect(board.headers.get("set-cookie")).toBeNull();
  });

  it("Authorization: Bearer works for the operator", async () => {
    expect((await t.admin("/api/admin/businesses/acme-plumbing/conversations")).status).toBe(200);
    expect((await get("/admin/queues", { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(200);
  });

  it("POST /admin/login sets an HttpOnly, SameSite=Strict, Secure cookie that opens the API and the queue board; logout clears it", async () => {
    const form = await get("/admin/login");
    expect(form.status).toBe(200);
    expect(await form.text()).toMatch(/<form method="post" action="\/admin\/login">[\s\S]*name="token"/);

    const post = (token: string) =>
      fetch(`${t.url}/admin/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }),
        redirect: "manual",
      });
    const wrong = await post("wrong-token-0123456789");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const ok = await post(ADMIN_TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/admin/queues");
    const setCookie = ok.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^leadline_admin=[^;]+;/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(setCookie).toMatch(/;\s*Secure/i); // PUBLIC_BASE_URL is https in tests
    expect(setCookie).toMatch(/;\s*Path=\/(;|$)/);
    const cookie = setCookie.split(";")[0]!;
    expect((await get("/api/admin/businesses/acme-plumbing/conversations", { cookie })).status).toBe(200);
    const board = await get("/admin/queues", { cookie: `other=1; ${cookie}` });
    expect(board.status).toBe(200);
    expect(await board.text()).toMatch(/<html/i);

    const out = await fetch(`${t.url}/admin/logout`, { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^leadline_admin=;.*Expires=Thu, 01 Jan 1970/i);
  });

  it("a business token signs in too and lands on its own conversations", async () => {
    const res = await fetch(`${t.url}/admin/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: acmeToken }),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/api/admin/businesses/acme-plumbing/conversations");
  });

  it.each([
    ["bad percent-encoding", "leadline_admin=%E0%A4%A"],
    ["a lone percent", "leadline_admin=%"],
    ["an empty value", "leadline_admin="],
  ])("a malformed cookie (%s) is a 401, never a 500", async (_, cookie) => {
    const res = await get("/api/admin/businesses/acme-plumbing/conversations", { cookie });
    expect(res.status).toBe(401);
    expect(await body(res)).toHaveProperty("error");
    expect((await get("/admin/queues", { cookie })).status).toBe(401);
  });

  it("an Authorization header that is not Bearer is a 401", async () => {
    expect((await get("/api/admin/businesses/acme-plumbing/conversations", { authorization: `Basic ${ADMIN_TOKEN}` })).status).toBe(401);
    expect((await get("/api/admin/businesses/acme-plumbing/conversations", { authorization: "Bearer" })).status).toBe(401);
  });
});

describe("a per-business token", () => {
  it("sees its own business's conversations, conversation and report", async () => {
    const list = await t.admin("/api/admin/businesses/acme-plumbing/conversations", acmeToken);
    expect(list.status).toBe(200);
    const ids = ((await list.json()) as { conversations: { id: string }[] }).conversations.map((c) => c.id);
    expect(ids).toEqual([acmeConversation]);
    expect((await t.admin(`/api/admin/conversations/${acmeConversation}`, acmeToken)).status).toBe(200);
    expect((await t.admin("/api/admin/businesses/acme-plumbing/reports", acmeToken)).status).toBe(200);
  });

  it("gets the same 404 as for a missing one for another business's slug, conversation and report", async () => {
    const slug = await t.admin("/api/admin/businesses/beta-hvac/conversations", acmeToken);
    expect(slug.status).toBe(404);
    expect(await body(slug)).toEqual({ error: 'no business "beta-hvac"' });
    const missing = await t.admin("/api/admin/businesses/gamma-none/conversations", acmeToken);
    expect(await body(missing)).toEqual({ error: 'no business "gamma-none"' });

    const conv = await t.admin(`/api/admin/conversations/${betaConversation}`, acmeToken);
    expect(conv.status).toBe(404);
    expect(await body(conv)).toEqual({ error: `no conversation "${betaConversation}"` });

    const report = await t.admin("/api/admin/businesses/beta-hvac/reports", acmeToken);
    expect(report.status).toBe(404);
    expect(await body(report)).toEqual({ error: 'no business "beta-hvac"' });

    // the operator still sees both
    expect((await t.admin("/api/admin/businesses/beta-hvac/conversations")).status).toBe(200);
    expect((await t.admin(`/api/admin/conversations/${betaConversation}`)).status).toBe(200);
  });

  it("may not open the queue board (operator only)", async () => {
    expect((await get("/admin/queues", { authorization: `Bearer ${acmeToken}` })).status).toBe(403);
  });

  it("records when it was last used, at most once a minute", async () => {
    const row = await t.ctx.prisma.adminToken.findFirstOrThrow({ where: { businessId: acmeId } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenHash).not.toContain(acmeToken);
    await t.admin("/api/admin/businesses/acme-plumbing/conversations", acmeToken);
    const again = await t.ctx.prisma.adminToken.findFirstOrThrow({ where: { id: row.id } });
    expect(again.lastUsedAt).toEqual(row.lastUsedAt);
  });

  it("is refused once revoked", async () => {
    const { id, token } = await createAdminToken(t.ctx.prisma, { businessId: betaId, now: t.clock.now() });
    issued.push(token);
    expect((await t.admin("/api/admin/businesses/beta-hvac/conversations", token)).status).toBe(200);
    await t.ctx.prisma.adminToken.update({ where: { id }, data: { revokedAt: t.clock.now() } });
    expect((await t.admin("/api/admin/businesses/beta-hvac/conversations", token)).status).toBe(401);
  });

  it("`npm run cli -- token create SLUG` prints a token (stored hashed) that works against a server on the same database", async () => {
    const r = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "token", "create", "beta-hvac", "--label", "beta office"], {
      env: { ...process.env, DATABASE_URL: t.database.url },
      timeout: 60_000,
    });
    const token = r.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // base64url of 32 bytes
    expect(r.stderr).not.toContain(token);
    expect(r.stderr).toMatch(/for beta-hvac \(beta office\)/);
    issued.push(token);
    const row = await t.ctx.prisma.adminToken.findFirstOrThrow({ where: { label: "beta office" } });
    expect(row.businessId).toBe(betaId);
    expect(row.tokenHash).not.toBe(token);
    expect((await t.admin("/api/admin/businesses/beta-hvac/conversations", token)).status).toBe(200);
    expect((await t.admin("/api/admin/businesses/acme-plumbing/conversations", token)).status).toBe(404);
  }, 60_000);

  it("the CLI refuses an unknown business in one line", async () => {
    const r = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "token", "create", "nobody-here"], {
      env: { ...process.env, DATABASE_URL: t.database.url },
      timeout: 60_000,
    }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr.trim()).toBe('error: no business "nobody-here"');
  }, 60_000);
});

describe("logs", () => {
  it("never contain a token: request URLs are redacted, headers and bodies are not logged", async () => {
    await get(`/api/admin/businesses/acme-plumbing/conversations?token=${acmeToken}&limit=5`);
    await get(`/api/admin/businesses/acme-plumbing/conversations?access_token=${ADMIN_TOKEN}`);
    await get("/api/admin/businesses/acme-plumbing/conversations", { authorization: `Bearer ${acmeToken}x` });
    const text = logLines.join("");
    expect(text).toContain("request refused"); // the capture works: refusals are logged…
    expect(text).toContain("token=[redacted]&limit=5"); // …with the credential cut out of the URL
    for (const token of [ADMIN_TOKEN, ...issued]) expect(text).not.toContain(token);
  });
});

describe("with no ADMIN_TOKEN", () => {
  it("admin routes are off until a per-business token exists; then that token works and nothing else", async () => {
    const u = await startTestLeadline({ env: { ADMIN_TOKEN: "" } });
    try {
      const id = await u.apply(acmeProfile());
      expect((await u.admin("/api/admin/businesses/acme-plumbing/conversations", null)).status).toBe(404);
      expect((await u.admin("/api/admin/businesses/acme-plumbing/conversations", ADMIN_TOKEN)).status).toBe(404);
      expect((await fetch(`${u.url}/admin/login`)).status).toBe(404);
      const { token } = await createAdminToken(u.ctx.prisma, { businessId: id, now: u.clock.now() });
      expect((await u.admin("/api/admin/businesses/acme-plumbing/conversations", null)).status).toBe(401);
      expect((await u.admin("/api/admin/businesses/acme-plumbing/conversations", ADMIN_TOKEN)).status).toBe(401);
      expect((await u.admin("/api/admin/businesses/acme-plumbing/conversations", token)).status).toBe(200);
      expect((await fetch(`${u.url}/admin/queues`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    } finally {
      await u.close();
    }
  });
});

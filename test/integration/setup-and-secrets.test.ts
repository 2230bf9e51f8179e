// Issue 8: a Facebook page belongs to one business; TRUST_PROXY decides who may name the client IP.
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acmeProfile, startTestLeadline, type TestLeadline } from "../helpers/test-leadline.ts";

const META = { pageId: "1122334455", pageAccessToken: "EAAB-page-token", appSecret: "meta-app-secret", verifyToken: "meta-verify-me" };

describe("meta.pageId is unique across businesses", () => {
  let t: TestLeadline;
  beforeAll(async () => {
    t = await startTestLeadline();
  });
  afterAll(() => t.close());

  const other = (slug: string, number: string, pageId: string) =>
    acmeProfile({ slug, name: slug, phoneNumbers: [number], numberSources: {}, meta: { ...META, verifyToken: `verify-${slug}`, pageId } });

  it("a second business claiming the page is refused (409 conflict naming the owner) and nothing of it is stored", async () => {
    await t.apply(acmeProfile({ meta: META }));
    await expect(t.apply(other("beta-hvac", "+15555550701", META.pageId))).rejects.toMatchObject({
      code: "conflict",
      status: 409,
      message: 'meta.pageId: 1122334455 already belongs to business "acme-plumbing"',
    });
    expect(await t.ctx.prisma.business.findUnique({ where: { slug: "beta-hvac" } })).toBeNull();
    expect(await t.ctx.prisma.phoneNumber.findUnique({ where: { e164: "+15555550701" } })).toBeNull();
  });

  it("re-applying the owner with its page is fine, and so is another business with its own page", async () => {
    await expect(t.apply(acmeProfile({ meta: META, name: "Acme Plumbing & Drain" }))).resolves.toBeTruthy();
    await expect(t.apply(other("beta-hvac", "+15555550701", "9988776655"))).resolves.toBeTruthy();
  });

  it("the page is free again once its owner drops it", async () => {
    await t.apply(acmeProfile());
    await expect(t.apply(other("gamma-roofing", "+15555550702", META.pageId))).resolves.toBeTruthy();
  });

  it("two businesses applied at the same moment with the same new page: exactly one gets it", async () => {
    const results = await Promise.allSettled([
      t.apply(other("delta-electric", "+15555550703", "5550001111")),
      t.apply(other("epsilon-hvac", "+15555550704", "5550001111")),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const owners = await t.ctx.prisma.business.findMany({ where: { profile: { path: ["meta", "pageId"], equals: "5550001111" } } });
    expect(owners).toHaveLength(1);
  });
});

describe("TRUST_PROXY: a client cannot get fresh per-IP chat quotas by writing its own X-Forwarded-For", () => {
  // session-create allows 20 new chat sessions per IP per 10 minutes (src/channels/webchat/chat-guards.ts)
  const LIMIT = 20;

  /** statuses of LIMIT + 1 session creations, the i-th carrying forwardedFor(i) */
  async function sessionStatuses(env: Record<string, string>, forwardedFor: (i: number) => string | undefined, host?: string): Promise<number[]> {
    const t = await startTestLeadline({ env });
    try {
      await t.apply(acmeProfile({ webchat: { allowedOrigins: ["https://acmeplumbing.example"] } }));
      const base = host ? t.url.replace("127.0.0.1", host) : t.url;
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i++) {
        const xff = forwardedFor(i);
        const res = await fetch(`${base}/api/chat/acme-plumbing/sessions`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(xff ? { "x-forwarded-for": xff } : {}) },
          body: "{}",
        });
        statuses.push(res.status);
      }
      return statuses;
    } finally {
      await t.close();
    }
  }
  const limited = [...Array.from({ length: LIMIT }, () => 201), 429];

  it("TRUST_PROXY=1 behind one proxy that appends: rotating the leftmost value does not help (the proxy-appended address counts)", async () => {
    expect(await sessionStatuses({ TRUST_PROXY: "1" }, (i) => `10.66.${i}.1, 203.0.113.7`)).toEqual(limited);
  });

  it("TRUST_PROXY=1: different real clients (the rightmost address) keep separate quotas", async () => {
    expect(await sessionStatuses({ TRUST_PROXY: "1" }, (i) => `203.0.113.7, 198.51.100.${i + 1}`)).toEqual(Array.from({ length: LIMIT + 1 }, () => 201));
  });

  it("TRUST_PROXY=false (no proxy in front): X-Forwarded-For is ignored, the socket address counts", async () => {
    expect(await sessionStatuses({ TRUST_PROXY: "false" }, (i) => `10.66.${i}.1`)).toEqual(limited);
  });

  it("default (loopback) with a local proxy that appends: the leftmost value does not help either", async () => {
    expect(await sessionStatuses({}, (i) => `10.66.${i}.1, 203.0.113.7`)).toEqual(limited);
  });

  // A client that reaches the port directly over the network (no proxy): only a local proxy is trusted by default.
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
  it.skipIf(!lan)("default (loopback), a client connecting directly from a non-loopback address cannot spoof its IP", async () => {
    expect(await sessionStatuses({}, (i) => `10.66.${i}.1`, lan)).toEqual(limited);
  });
});

// Which business owns a number, from memory. Inbound webhooks are routed on every request, and the
// voice route must still ring through when Postgres is down, so the last good copy is kept.
import type { Prisma } from "../db/open-database.ts";
import { ZProfile, type TProfile } from "../config/profile-schema.ts";
import { toE164 } from "../lib/phone.ts";

export interface BusinessRef {
  id: string;
  slug: string;
  profile: TProfile;
}

export interface BusinessDirectory {
  /** the business a number routes to (E.164, or any form libphonenumber can read); undefined when none owns it */
  byNumber(number: string): Promise<BusinessRef | undefined>;
  byId(id: string): Promise<BusinessRef | undefined>;
  bySlug(slug: string): Promise<BusinessRef | undefined>;
  /** the first business matching a profile predicate (e.g. a Meta page id) */
  find(pred: (b: BusinessRef) => boolean): Promise<BusinessRef | undefined>;
  /** drop the cache (after `business apply`) */
  invalidate(): void;
}

export function createBusinessDirectory(prisma: Prisma, ttlMs = 10_000, now: () => number = Date.now): BusinessDirectory {
  let byNum = new Map<string, BusinessRef>();
  let byId = new Map<string, BusinessRef>();
  let loadedAt = -Infinity;
  let loading: Promise<void> | undefined;

  async function load(): Promise<void> {
    const [rows, businesses] = await Promise.all([prisma.phoneNumber.findMany({ select: { e164: true, businessId: true } }), prisma.business.findMany()]);
    const nextId = new Map<string, BusinessRef>();
    for (const b of businesses) {
      const parsed = ZProfile.safeParse(b.profile);
      if (parsed.success) nextId.set(b.id, { id: b.id, slug: b.slug, profile: parsed.data });
    }
    const nextNum = new Map<string, BusinessRef>();
    for (const r of rows) {
      const ref = nextId.get(r.businessId);
      if (ref) nextNum.set(r.e164, ref);
    }
    byNum = nextNum;
    byId = nextId;
    loadedAt = now();
  }

  async function fresh(): Promise<void> {
    if (now() - loadedAt < ttlMs) return;
    loading ??= load().finally(() => (loading = undefined));
    try {
      await loading;
    } catch (e) {
      // Database down: keep serving the last good copy if there is one.
      if (loadedAt === -Infinity) throw e;
    }
  }

  /** a number applied a moment ago should route at once; misses reload at most once a second */
  async function reloadOnMiss(get: () => BusinessRef | undefined): Promise<BusinessRef | undefined> {
    if (now() - loadedAt < 1000) return undefined;
    loadedAt = -Infinity;
    await fresh();
    return get();
  }

  return {
    async byNumber(number) {
      await fresh();
      // Twilio sends E.164 already: try it as given before parsing
      const get = () => byNum.get(number) ?? byNum.get(toE164(number) ?? number);
      return get() ?? (await reloadOnMiss(get));
    },
    async bySlug(slug) {
      await fresh();
      const find = () => [...byId.values()].find((b) => b.slug === slug);
      return find() ?? (await reloadOnMiss(find));
    },
    async find(pred) {
      await fresh();
      const find = () => [...byId.values()].find(pred);
      return find() ?? (await reloadOnMiss(find));
    },
    async byId(id) {
      await fresh();
      return byId.get(id) ?? (await reloadOnMiss(() => byId.get(id)));
    },
    invalidate() {
      loadedAt = -Infinity;
    },
  };
}

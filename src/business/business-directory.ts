// Which business owns a number, from memory. Inbound webhooks are routed on every request, and the
// voice route must still ring through when Postgres is down, so the last good copy is always kept:
// a failed reload changes nothing, and a miss (anyone can send an unknown slug) never evicts.
// Fresh copies come from a timer and from `business.updated` on the event stream (profile apply,
// from this process or the CLI's).
import type { Prisma } from "../db/open-database.ts";
import type { EventDispatcher } from "../events/create-event-dispatcher.ts";
import { ZProfile, type TProfile } from "../config/profile-schema.ts";
import { wallMs } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import { newId } from "../lib/new-id.ts";
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
  /** the next lookup reloads first (after `business apply` in this process); a failed reload keeps the copy */
  invalidate(): void;
  /** reload on `business.updated` events and on a timer */
  watch(events: EventDispatcher): Promise<void>;
  close(): Promise<void>;
}

export interface DirectoryOptions {
  /** background refresh period (ms) */
  ttlMs?: number;
  log?: Logger;
}

/** a miss reloads at most this often, so unknown slugs cannot hammer the database */
const MISS_RELOAD_MS = 1000;

export function createBusinessDirectory(prisma: Prisma, opts: DirectoryOptions = {}): BusinessDirectory {
  const ttlMs = opts.ttlMs ?? 10_000;
  let byNum = new Map<string, BusinessRef>();
  let byId = new Map<string, BusinessRef>();
  let loaded = false;
  let stale = false;
  let lastAttempt = -Infinity;
  let loading: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let unwatch: (() => Promise<void>) | undefined;

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
    loaded = true;
    stale = false;
  }

  /** one reload at a time; a failure keeps the last good copy (and only throws when there is none) */
  function reload(): Promise<void> {
    lastAttempt = wallMs();
    loading ??= load()
      .catch((e: Error) => {
        if (!loaded) throw e;
        opts.log?.warn({ err: e.message }, "business directory reload failed; keeping the last good copy");
      })
      .finally(() => (loading = undefined));
    return loading;
  }

  async function ready(): Promise<void> {
    if (!loaded || stale) await reload();
  }

  async function lookup<T>(get: () => T | undefined): Promise<T | undefined> {
    await ready();
    const hit = get();
    if (hit !== undefined || wallMs() - lastAttempt < MISS_RELOAD_MS) return hit;
    // a number applied a moment ago should route at once
    await reload();
    return get();
  }

  return {
    byNumber: (number) => lookup(() => byNum.get(number) ?? byNum.get(toE164(number) ?? number)), // Twilio sends E.164: try it as given first
    bySlug: (slug) => lookup(() => [...byId.values()].find((b) => b.slug === slug)),
    find: (pred) => lookup(() => [...byId.values()].find(pred)),
    byId: (id) => lookup(() => byId.get(id)),
    invalidate() {
      stale = true;
    },
    async watch(events) {
      // loaded at boot, so a database outage right after a start still finds every business
      await reload().catch((e: Error) => opts.log?.warn({ err: e.message }, "business directory not loaded at start; the first lookup retries"));
      if (ttlMs > 0) {
        timer = setInterval(() => void reload().catch(() => undefined), ttlMs);
        timer.unref();
      }
      unwatch = await events.subscribe({
        name: `directory-${newId()}`,
        durable: false,
        types: ["business.updated"],
        handle: async () => {
          stale = true;
          await reload();
        },
      });
    },
    async close() {
      clearInterval(timer);
      await unwatch?.();
    },
  };
}

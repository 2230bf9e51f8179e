// The owner console at size, against a Leadline of its own (ROLE=web, a child process) over the given
// database:
//   console.inbox_first_paint_ms — the Inbox of a business with 10,000 conversations, in headless
//     Chromium: navigation start → the frame that paints the first conversation rows (in-page clock),
//     p50 over fresh loads with an empty cache (the cookie kept), the warm loads beside it
//   console.reports_year_ms / console.reports_year_p99_ms — GET /api/admin/businesses/:slug/reports
//     over one year of a business with 50,000 leads (plus missed calls and their text-backs, paid
//     invoices, review links), p50 and p99 over 20 requests after 3 unmeasured ones
// Run alone: `npx tsx test/bench/console-figures.ts` (makes and drops a database of its own; BENCH_PG,
// REDIS_URL as for the bench). `npm run bench` calls benchConsoleFigures on its own database.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Browser, type BrowserContext } from "playwright-core";
import { launchBrowser } from "../helpers/launch-browser.ts";
import { applyBusinessProfile } from "../../src/business/apply-business-profile.ts";
import { parseProfile } from "../../src/config/parse-profile.ts";
import { buildConsoleClient } from "../../src/console/build-console-client.ts";
import { migratePostgres, openDatabase } from "../../src/db/open-database.ts";
import { deleteRedisPrefix } from "../helpers/redis-keys.ts";
import { startChild, type Child } from "./bench-servers.ts";

export interface ConsoleFigure {
  figure: string;
  value: number;
  unit: string;
  extra: Record<string, unknown>;
}

const ADMIN_TOKEN = "bench-console-admin-token-0123456789";
const CONVERSATIONS = 10_000;
const LEADS = 50_000;
/** one year in the reports business's zone, the range asked for */
const YEAR = { from: "2025-12-01", to: "2026-11-30" };
const REPORT_REQUESTS = Number(process.env.BENCH_CONSOLE_REPORTS ?? 20);
const PAINT_LOADS = Number(process.env.BENCH_CONSOLE_LOADS ?? 5);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const round = (xs: number[]) => xs.map((x) => Math.round(x));

function profile(slug: string, name: string, number: string): string {
  return [`slug: ${slug}`, `name: ${name}`, "timezone: America/New_York", `phoneNumbers: ["${number}"]`, ""].join("\n");
}

/** 10,000 conversations, newest a minute apart; every third one the homeowner wrote last (as the inbox scale test) */
async function seedInbox(sql: (q: string, ...p: unknown[]) => Promise<number>, businessId: string) {
  await sql(
    `INSERT INTO "Contact" ("id", "businessId", "phone", "name", "createdAt", "updatedAt")
     SELECT 'bic' || lpad(i::text, 21, '0'), $1, '+1212' || lpad(i::text, 7, '0'), 'Customer ' || i, now(), now() FROM generate_series(1, $2) i`,
    businessId,
    CONVERSATIONS,
  );
  await sql(
    `INSERT INTO "Conversation" ("id", "businessId", "contactId", "lastMessageAt", "createdAt", "updatedAt")
     SELECT 'biv' || lpad(i::text, 21, '0'), $1, 'bic' || lpad(i::text, 21, '0'), now() - make_interval(mins => i), now(), now()
     FROM generate_series(1, $2) i`,
    businessId,
    CONVERSATIONS,
  );
  await sql(
    `INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body", "status", "createdAt", "updatedAt")
     SELECT 'bii' || lpad(i::text, 21, '0'), $1, 'biv' || lpad(i::text, 21, '0'), 'bic' || lpad(i::text, 21, '0'), 'inbound', 'sms', 'contact',
       'Message ' || i, 'received', now() - make_interval(mins => i, secs => 30), now()
     FROM generate_series(1, $2) i`,
    businessId,
    CONVERSATIONS,
  );
  await sql(
    `INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body", "status", "createdAt", "updatedAt")
     SELECT 'bio' || lpad(i::text, 21, '0'), $1, 'biv' || lpad(i::text, 21, '0'), 'bic' || lpad(i::text, 21, '0'), 'outbound', 'sms', 'ai',
       'Reply ' || i, 'delivered', now() - make_interval(mins => i), now()
     FROM generate_series(1, $2) i WHERE i % 3 <> 0`,
    businessId,
    CONVERSATIONS,
  );
  await sql(
    `INSERT INTO "Lead" ("id", "businessId", "contactId", "conversationId", "source", "channel", "createdAt", "updatedAt")
     SELECT 'bil' || lpad(i::text, 21, '0'), $1, 'bic' || lpad(i::text, 21, '0'), 'biv' || lpad(i::text, 21, '0'), 'google-lsa', 'sms', now(), now()
     FROM generate_series(1, $2) i`,
    businessId,
    CONVERSATIONS,
  );
}

/**
 * A year of 50,000 leads spread evenly (six sources; answered after 5–604 s, one in 20 never; stages
 * mixed), one in five a missed call (9 in 10 of those texted back), 5,000 paid invoices and 5,000 review links.
 */
async function seedReports(sql: (q: string, ...p: unknown[]) => Promise<number>, businessId: string) {
  const at = `TIMESTAMPTZ '${YEAR.from} 05:00:00+00' + (i - 1) * (INTERVAL '365 days' / $2::int)`;
  await sql(
    `INSERT INTO "Contact" ("id", "businessId", "phone", "name", "createdAt", "updatedAt")
     SELECT 'brc' || lpad(i::text, 21, '0'), $1, '+1646' || lpad(i::text, 7, '0'), 'Lead ' || i, ${at}, now() FROM generate_series(1, $2) i`,
    businessId,
    LEADS,
  );
  await sql(
    `INSERT INTO "Conversation" ("id", "businessId", "contactId", "lastMessageAt", "createdAt", "updatedAt")
     SELECT 'brv' || lpad(i::text, 21, '0'), $1, 'brc' || lpad(i::text, 21, '0'), ${at}, ${at}, now() FROM generate_series(1, $2) i`,
    businessId,
    LEADS,
  );
  await sql(
    `INSERT INTO "Lead" ("id", "businessId", "contactId", "conversationId", "source", "channel", "stage", "firstResponseAt", "createdAt", "updatedAt")
     SELECT 'brl' || lpad(i::text, 21, '0'), $1, 'brc' || lpad(i::text, 21, '0'), 'brv' || lpad(i::text, 21, '0'),
       (ARRAY['google-lsa','google-ads','facebook-ads','website','yelp','phone'])[1 + i % 6],
       CASE WHEN i % 5 = 0 THEN 'call' ELSE 'form' END,
       (ARRAY['new','contacted','qualified','booked','won','lost'])[1 + (i / 7) % 6],
       CASE WHEN i % 20 = 0 THEN NULL ELSE ${at} + make_interval(secs => 5 + (i * 7919) % 600) END,
       ${at}, now()
     FROM generate_series(1, $2) i`,
    businessId,
    LEADS,
  );
  await sql(
    `INSERT INTO "Call" ("id", "businessId", "contactId", "conversationId", "callSid", "fromNumber", "toNumber", "status", "createdAt", "updatedAt")
     SELECT 'brk' || lpad(i::text, 21, '0'), $1, 'brc' || lpad(i::text, 21, '0'), 'brv' || lpad(i::text, 21, '0'), 'CAbr' || lpad(i::text, 30, '0'),
       '+1646' || lpad(i::text, 7, '0'), '+15555550181', 'missed', ${at}, now()
     FROM generate_series(1, $2) i WHERE i % 5 = 0`,
    businessId,
    LEADS,
  );
  await sql(
    `INSERT INTO "Message" ("id", "businessId", "conversationId", "contactId", "direction", "channel", "author", "body", "status", "purpose", "dedupeKey", "createdAt", "updatedAt")
     SELECT 'brm' || lpad(i::text, 21, '0'), $1, 'brv' || lpad(i::text, 21, '0'), 'brc' || lpad(i::text, 21, '0'), 'outbound', 'sms', 'system',
       'Sorry we missed your call!', 'delivered', 'textback', 'textback-CAbr' || lpad(i::text, 30, '0'), ${at} + INTERVAL '20 seconds', now()
     FROM generate_series(1, $2) i WHERE i % 5 = 0 AND i % 50 <> 0`,
    businessId,
    LEADS,
  );
  await sql(
    `INSERT INTO "WorkEvent" ("id", "businessId", "type", "externalId", "contactId", "leadId", "amountCents", "payload", "receivedAt")
     SELECT 'brw' || lpad(i::text, 21, '0'), $1, 'invoice.paid', 'INV-' || i, 'brc' || lpad(i::text, 21, '0'), 'brl' || lpad(i::text, 21, '0'),
       10000 + (i * 37) % 90000, '{}'::jsonb, ${at} + INTERVAL '3 days'
     FROM generate_series(1, $2) i WHERE i % 10 = 3`,
    businessId,
    LEADS,
  );
  await sql(
    `INSERT INTO "ReviewLink" ("id", "businessId", "contactId", "token", "url", "createdAt", "firstClickedAt")
     SELECT 'brr' || lpad(i::text, 21, '0'), $1, 'brc' || lpad(i::text, 21, '0'), 'brtok' || i, 'https://g.page/r/bench/review',
       ${at} + INTERVAL '4 days', CASE WHEN i % 3 = 0 THEN ${at} + INTERVAL '5 days' END
     FROM generate_series(1, $2) i WHERE i % 10 = 7`,
    businessId,
    LEADS,
  );
}

/** the console opens on the business picked in this tab (sessionStorage), else the first: the bench's database holds others */
const PICK_INBOX_BUSINESS = `sessionStorage.setItem("leadline-console-business", "bench-inbox");`;

async function signIn(browser: Browser, url: string): Promise<Awaited<ReturnType<BrowserContext["cookies"]>>> {
  const context = await browser.newContext();
  await context.addInitScript(PICK_INBOX_BUSINESS);
  try {
    const page = await context.newPage();
    await page.goto(`${url}/console`);
    await page.getByRole("textbox", { name: "Admin token" }).fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Customer 1", exact: true }).waitFor({ timeout: 30_000 });
    return await context.cookies();
  } finally {
    await context.close();
  }
}

/**
 * One load of /console (the Inbox) in `context`: ms from navigation start to the animation frame in
 * which the first conversation rows are in the document (that frame paints them), by the page's clock.
 */
async function firstPaint(context: BrowserContext, url: string): Promise<number> {
  const page = await context.newPage();
  try {
    await page.goto(`${url}/console`, { waitUntil: "commit" });
    const ms = await page.waitForFunction(() => (window as unknown as { __firstRows?: number }).__firstRows, undefined, { timeout: 30_000 });
    const value = (await ms.jsonValue()) as number;
    // the newest conversation first, a page of them
    const first = await page.getByRole("list", { name: "Conversations" }).getByRole("link").first().textContent();
    if (first !== "Customer 1") throw new Error(`the inbox showed "${first}" first, not "Customer 1"`);
    return value;
  } finally {
    await page.close();
  }
}

const WATCH_ROWS = `(() => {
  const seen = () => document.querySelector('ul[aria-label="Conversations"] a');
  new MutationObserver((_, obs) => {
    if (!seen()) return;
    obs.disconnect();
    requestAnimationFrame(() => { window.__firstRows = performance.now(); });
  }).observe(document, { childList: true, subtree: true });
})();`;

async function measureInbox(url: string): Promise<ConsoleFigure[]> {
  const browser = await launchBrowser();
  try {
    const cookies = await signIn(browser, url);
    const fresh = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      await context.addCookies(cookies);
      await context.addInitScript(PICK_INBOX_BUSINESS);
      await context.addInitScript(WATCH_ROWS);
      return context;
    };
    // one unmeasured load: the server's first console page of the process
    const warmup = await fresh();
    await firstPaint(warmup, url);
    await warmup.close();
    // an empty cache each time (a new browser context), signed in
    const cold: number[] = [];
    for (let i = 0; i < PAINT_LOADS; i++) {
      const context = await fresh();
      cold.push(await firstPaint(context, url));
      await context.close();
    }
    // the same tab reloading: scripts and styles from the cache
    const warm: number[] = [];
    const context = await fresh();
    for (let i = 0; i < PAINT_LOADS; i++) warm.push(await firstPaint(context, url));
    await context.close();
    return [
      {
        figure: "console.inbox_first_paint_ms",
        value: pct(cold, 50),
        unit: "ms",
        extra: {
          stat: "p50",
          target: "< 1000",
          conversations: CONVERSATIONS,
          measured: "navigation start -> the animation frame with the first conversation rows, empty cache",
          cold_ms: round(cold),
          warm_p50_ms: Math.round(pct(warm, 50)),
        },
      },
    ];
  } finally {
    await browser.close();
  }
}

async function measureReports(url: string): Promise<ConsoleFigure[]> {
  const path = `/api/admin/businesses/bench-reports/reports?from=${YEAR.from}&to=${YEAR.to}`;
  const get = async () => {
    const t0 = performance.now();
    const res = await fetch(url + path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await res.json()) as { speedToLead?: { leads: number; series: unknown[] } };
    const ms = performance.now() - t0;
    if (res.status !== 200 || body.speedToLead?.leads !== LEADS) throw new Error(`reports: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return { ms, points: body.speedToLead.series.length };
  };
  for (let i = 0; i < 3; i++) await get();
  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < REPORT_REQUESTS; i++) {
    const r = await get();
    times.push(r.ms);
    points = r.points;
  }
  const extra = { leads: LEADS, range: `${YEAR.from}..${YEAR.to}`, requests: times.length, series_points: points };
  return [
    { figure: "console.reports_year_ms", value: pct(times, 50), unit: "ms", extra: { stat: "p50", target: "< 500", ...extra } },
    { figure: "console.reports_year_p99_ms", value: pct(times, 99), unit: "ms", extra: { target: "< 500", ...extra } },
  ];
}

/** Seeds two businesses of its own in `databaseUrl` (migrated), starts Leadline (ROLE=web) over it, measures, stops it. */
export async function benchConsoleFigures(o: { databaseUrl: string; redisUrl: string; queuePrefix: string }): Promise<ConsoleFigure[]> {
  const db = await openDatabase({ url: o.databaseUrl, poolSize: 2 });
  try {
    const sql = (q: string, ...p: unknown[]) => db.prisma.$executeRawUnsafe(q, ...p);
    const inbox = await applyBusinessProfile(db.prisma, parseProfile(profile("bench-inbox", "Bench Inbox Plumbing", "+15555550180")));
    const reports = await applyBusinessProfile(db.prisma, parseProfile(profile("bench-reports", "Bench Reports Heating", "+15555550181")));
    await seedInbox(sql, inbox.id);
    await seedReports(sql, reports.id);
    await sql(`ANALYZE`);
  } finally {
    await db.close();
  }
  // Vite sets NODE_ENV=production in the process that builds; the children started after must not inherit it
  const nodeEnv = process.env.NODE_ENV;
  await buildConsoleClient();
  if (nodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = nodeEnv;
  let app: Child | undefined;
  try {
    app = await startChild(
      "src/main.ts",
      {
        DATABASE_URL: o.databaseUrl,
        REDIS_URL: o.redisUrl,
        QUEUE_PREFIX: o.queuePrefix,
        PUBLIC_BASE_URL: "https://bench.leadline.test",
        ADMIN_TOKEN,
        ROLE: "web",
        MIGRATE_ON_START: "false",
        LOG_LEVEL: "info",
        PORT: "0",
      },
      /"port":(\d+).*web listening/,
    );
    return [...(await measureReports(app.url)), ...(await measureInbox(app.url))];
  } finally {
    await app?.stop();
  }
}

// run alone: a database and a queue prefix of its own, dropped afterwards
if (process.argv[1]?.endsWith("console-figures.ts")) {
  const PG = process.env.BENCH_PG ?? "postgresql://postgres@127.0.0.1:5432";
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const id = randomBytes(3).toString("hex");
  const dbName = `leadline_bench_console_${id}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: `${PG}/postgres` });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await admin(`CREATE DATABASE ${dbName}`);
  try {
    await migratePostgres(`${PG}/${dbName}`);
    const figures = await benchConsoleFigures({ databaseUrl: `${PG}/${dbName}`, redisUrl, queuePrefix: `llbenchconsole${id}` });
    for (const f of figures) console.log(JSON.stringify({ figure: f.figure, value: Math.round(f.value * 100) / 100, unit: f.unit, ...f.extra }));
  } finally {
    await deleteRedisPrefix(redisUrl, `llbenchconsole${id}`);
    if (!process.env.BENCH_KEEP_DB) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    else console.error(`kept ${PG}/${dbName}`);
  }
}

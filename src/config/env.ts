// Environment, parsed once at start-up. A bad value stops the process with one clear line.
import { isIP } from "node:net";
import { z } from "zod";

const ZOptionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const ZRedisUrl = z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://");
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** The development Twilio token start-leadline falls back to; never acceptable in production. */
const DEV_TWILIO_TOKEN = "leadline-dev-token";

const PLACEHOLDERS = new Set([
  DEV_TWILIO_TOKEN,
  "changeme",
  "change-me",
  "change_me",
  "secret",
  "password",
  "passw0rd",
  "test",
  "testing",
  "example",
  "placeholder",
  "todo",
  "token",
  "default",
  "dummy",
  "fake",
  "none",
  "null",
  "undefined",
]);

/**
 * A value that was obviously never replaced: CHANGE-ME…, the dev token, "secret", "your-…-here",
 * "<token>", "${VAR}", or nothing but filler ("xxxx", "sk-xxxx", "xoxb-xxxx", "****", "0000").
 */
export function isPlaceholderSecret(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (PLACEHOLDERS.has(v)) return true;
  if (/^change[-_ .]?me/.test(v)) return true;
  if (/^(your|my)[-_ ].*[-_ ]here$/.test(v) || /^<.*>$/.test(v) || /^\$\{.*\}$/.test(v)) return true;
  const body = v.replace(/^(sk-|xox[a-z]-)/, "");
  return /^[x*._\-0]*$/.test(body);
}

/** Minimum lengths in production; the rest only must not be placeholders. */
const PRODUCTION_MIN_LENGTH = { ADMIN_TOKEN: 24, TWILIO_AUTH_TOKEN: 16, SLACK_SIGNING_SECRET: 16 } as const;
const SECRETS = ["TWILIO_AUTH_TOKEN", "ADMIN_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "OPENAI_API_KEY", "METRICS_TOKEN"] as const;

/**
 * Hosts that can never be a public deployment (RFC 6761 special-use names, loopback): an https
 * PUBLIC_BASE_URL on one of them is local TLS or a test, not production.
 */
function isLocalOnlyHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || /\.(localhost|test|invalid|example)$/.test(h) || h === "::1" || /^127\./.test(h);
}

/** NODE_ENV=production, or an https PUBLIC_BASE_URL on a host that can be public. */
function isProduction(e: { NODE_ENV?: string | undefined; PUBLIC_BASE_URL?: string | undefined }): boolean {
  const publicUrl = e.PUBLIC_BASE_URL && URL.canParse(e.PUBLIC_BASE_URL) ? new URL(e.PUBLIC_BASE_URL) : undefined;
  return e.NODE_ENV === "production" || (publicUrl?.protocol === "https:" && !isLocalOnlyHost(publicUrl.hostname));
}

/** Express `trust proxy`: true/false, a hop count, or a list of addresses, CIDRs and keywords. */
export type TrustProxy = boolean | number | string[];
const TRUST_KEYWORDS = new Set(["loopback", "linklocal", "uniquelocal"]);

function isTrustedAddress(entry: string): boolean {
  if (TRUST_KEYWORDS.has(entry)) return true;
  const [ip, range, ...rest] = entry.split("/");
  const family = isIP(ip ?? "");
  if (!family || rest.length) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return isIP(range) === family; // a netmask such as 255.255.0.0
}

const ZTrustProxy = z
  .string()
  .default("loopback")
  .transform((raw, ctx): TrustProxy => {
    const v = raw.trim().toLowerCase();
    if (v === "true") return true;
    if (v === "false") return false;
    if (/^\d+$/.test(v)) return Number(v);
    const list = v.split(",").map((s) => s.trim());
    if (list.length && list.every(isTrustedAddress)) return list;
    ctx.addIssue({
      code: "custom",
      message: "must be true, false, a number of proxy hops, or a comma list of addresses/CIDRs (loopback, linklocal, uniquelocal allowed)",
    });
    return z.NEVER;
  });

export const ZEnv = z
  .object({
    /** `production` makes weak secrets fatal (so does an https PUBLIC_BASE_URL) */
    NODE_ENV: ZOptionalString,
    PORT: z.coerce
      .number({ error: "must be a port number (0-65535)" })
      .int("must be a port number (0-65535)")
      .min(0, "must be a port number (0-65535)")
      .max(65535, "must be a port number (0-65535)")
      .default(3000),
    PUBLIC_BASE_URL: ZOptionalString.pipe(z.url({ message: "must be a URL like https://leads.example.com" }).optional()),
    DATABASE_URL: ZOptionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
        .optional(),
    ),
    DATA_DIR: z.string().default("data"),
    MIGRATE_ON_START: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
    /** unset: DEFAULT_REDIS_URL, or a local redis-server that `npm start` runs (src/boot/ensure-redis.ts) */
    REDIS_URL: ZRedisUrl.optional(),
    /** TEST ONLY: the address probed instead of DEFAULT_REDIS_URL when REDIS_URL is unset */
    LEADLINE_REDIS_PROBE_URL: ZRedisUrl.optional(),
    /** BullMQ key prefix; tests and side-by-side deployments give each run its own */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only")
      .default("leadline"),
    TWILIO_ACCOUNT_SID: ZOptionalString.pipe(
      z
        .string()
        .regex(/^AC[0-9a-fA-F]{32}$/, "must look like AC followed by 32 hex digits")
        .optional(),
    ),
    TWILIO_AUTH_TOKEN: ZOptionalString,
    TWILIO_API_BASE_URL: z.url({ message: "must be a URL" }).default("https://api.twilio.com"),
    OPENAI_API_KEY: ZOptionalString,
    OPENAI_BASE_URL: ZOptionalString.pipe(z.url().optional()),
    OPENAI_MODEL: ZOptionalString,
    SLACK_BOT_TOKEN: ZOptionalString,
    SLACK_SIGNING_SECRET: ZOptionalString,
    SLACK_API_URL: ZOptionalString.pipe(z.url().optional()),
    FACEBOOK_GRAPH_URL: z.url({ message: "must be a URL" }).default("https://graph.facebook.com/v21.0"),
    ADMIN_TOKEN: ZOptionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    /** unset: /metrics is open; set: it needs `Authorization: Bearer <METRICS_TOKEN>` */
    METRICS_TOKEN: ZOptionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ROLE: z.enum(["all", "web", "worker"]).default("all"),
    /** how often each worker process sweeps Postgres for work whose queue job was lost (ms) */
    SWEEP_INTERVAL_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(200, "must be at least 200").max(600_000).default(10_000),
    /** Express `trust proxy` (default: only a proxy on this machine may set X-Forwarded-For) */
    TRUST_PROXY: ZTrustProxy,
  })
  .superRefine((e, ctx) => {
    // A token alone is allowed: webhooks are verified, texts go to the console provider.
    if (e.TWILIO_ACCOUNT_SID && !e.TWILIO_AUTH_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["TWILIO_AUTH_TOKEN"], message: "is required when TWILIO_ACCOUNT_SID is set" });
    }
    if (!isProduction(e)) return; // local trials and tests keep the development token
    const fail = (variable: string, message: string) => ctx.addIssue({ code: "custom", path: [variable], message });
    if (!e.TWILIO_AUTH_TOKEN) fail("TWILIO_AUTH_TOKEN", "is required in production (webhooks would be checked against the development token)");
    // a token alone would send every text to the console provider (a log line each) instead of Twilio
    else if (!e.TWILIO_ACCOUNT_SID)
      fail("TWILIO_ACCOUNT_SID", "is required in production when TWILIO_AUTH_TOKEN is set (without it texts would only be logged, not sent)");
    if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET) fail("SLACK_SIGNING_SECRET", "is required in production when SLACK_BOT_TOKEN is set");
    for (const name of SECRETS) {
      const value = e[name];
      if (value === undefined) continue;
      if (isPlaceholderSecret(value)) fail(name, "is a placeholder value; set the real secret before running in production");
      const min = (PRODUCTION_MIN_LENGTH as Record<string, number>)[name];
      if (min && value.length < min) fail(name, `must be at least ${min} characters in production (e.g. openssl rand -hex 32)`);
    }
  })
  .transform((e) => ({
    ...e,
    PUBLIC_BASE_URL: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    REDIS_URL: e.REDIS_URL ?? DEFAULT_REDIS_URL,
    /** false: REDIS_URL was not given, so `npm start` may run a local redis-server */
    REDIS_URL_SET: e.REDIS_URL !== undefined,
    /** NODE_ENV=production or an https PUBLIC_BASE_URL on a public host: secrets were checked strictly */
    PRODUCTION: isProduction(e),
  }));

export type TEnv = z.infer<typeof ZEnv>;

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): TEnv {
  // `PORT=` in a .env file means "not set", not "port 0"
  const set = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const r = ZEnv.safeParse(set);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ConfigError(`Invalid environment: ${issue.path.join(".") || "env"} ${issue.message}`);
}

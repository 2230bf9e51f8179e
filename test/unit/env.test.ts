import { describe, expect, it } from "vitest";
import { ConfigError, isPlaceholderSecret, parseEnv } from "../../src/config/env.ts";
import { DEV_TWILIO_TOKEN } from "../../src/boot/start-leadline.ts";

const SID = `AC${"0123456789abcdef".repeat(2)}`;
/** secrets good enough for production */
const STRONG = {
  TWILIO_ACCOUNT_SID: SID,
  TWILIO_AUTH_TOKEN: "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  ADMIN_TOKEN: "3b1f0c9e8d7a6b5c4d3e2f1a0b9c8d7e",
  SLACK_BOT_TOKEN: "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp",
  SLACK_SIGNING_SECRET: "8f14e45fceea167a5a36dedd4bea2543",
  OPENAI_API_KEY: "sk-proj-4fJ9kQ2mX7vB1nZ8wR3tY6uP",
};

/** The error parseEnv throws for `source` (fails the test when it does not throw). */
function errorOf(source: Record<string, string | undefined>): Error {
  try {
    parseEnv(source);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`parseEnv(${JSON.stringify(source)}) did not throw`);
}

describe("parseEnv: defaults", () => {
  const env = parseEnv({});

  it.each([
    ["PORT", 3000],
    ["PUBLIC_BASE_URL", "http://localhost:3000"],
    ["REDIS_URL", "redis://127.0.0.1:6379"],
    ["ROLE", "all"],
    ["MIGRATE_ON_START", true],
    ["LOG_LEVEL", "info"],
    ["QUEUE_PREFIX", "leadline"],
    ["DATA_DIR", "data"],
    ["TWILIO_API_BASE_URL", "https://api.twilio.com"],
    ["DATABASE_URL", undefined],
    ["TWILIO_ACCOUNT_SID", undefined],
    ["ADMIN_TOKEN", undefined],
    ["NODE_ENV", undefined],
    ["TRUST_PROXY", ["loopback"]],
    ["REDIS_URL_SET", false],
    ["PRODUCTION", false],
    ["LEADLINE_REDIS_PROBE_URL", undefined],
    ["METRICS_TOKEN", undefined],
  ] as const)("%s defaults to %j", (key, expected) => {
    expect(env[key]).toEqual(expected);
  });
});

describe("parseEnv: accepted values", () => {
  it.each([
    [{ PORT: "8080" }, { PORT: 8080, PUBLIC_BASE_URL: "http://localhost:8080" }],
    [{ PORT: "0" }, { PORT: 0 }],
    [{ MIGRATE_ON_START: "false" }, { MIGRATE_ON_START: false }],
    [{ ROLE: "worker" }, { ROLE: "worker" }],
    [{ DATABASE_URL: "postgres://u:p@db:5432/leadline" }, { DATABASE_URL: "postgres://u:p@db:5432/leadline" }],
    [{ DATABASE_URL: "postgresql://db/leadline" }, { DATABASE_URL: "postgresql://db/leadline" }],
    [{ REDIS_URL: "rediss://cache:6380" }, { REDIS_URL: "rediss://cache:6380" }],
    // a token alone is fine (webhooks verified, texts go to the console provider)
    [{ TWILIO_AUTH_TOKEN: "secret" }, { TWILIO_AUTH_TOKEN: "secret" }],
    [
      { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "secret" },
      { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "secret" },
    ],
    [{ ADMIN_TOKEN: "x".repeat(16) }, { ADMIN_TOKEN: "x".repeat(16) }],
    // PUBLIC_BASE_URL: trailing slashes stripped, whitespace trimmed, path kept (https ⇒ production secrets)
    [{ ...STRONG, PUBLIC_BASE_URL: "https://leads.example.com/" }, { PUBLIC_BASE_URL: "https://leads.example.com" }],
    [{ ...STRONG, PUBLIC_BASE_URL: "https://leads.example.com///" }, { PUBLIC_BASE_URL: "https://leads.example.com" }],
    [{ ...STRONG, PUBLIC_BASE_URL: "https://example.com/leadline/" }, { PUBLIC_BASE_URL: "https://example.com/leadline" }],
    [{ ...STRONG, PUBLIC_BASE_URL: "  https://leads.example.com/ " }, { PUBLIC_BASE_URL: "https://leads.example.com" }],
    [
      { ...STRONG, PUBLIC_BASE_URL: "https://leads.example.com", PORT: "8080" },
      { PUBLIC_BASE_URL: "https://leads.example.com", PORT: 8080 },
    ],
    // REDIS_URL given explicitly: `npm start` never starts a redis-server of its own
    [{ REDIS_URL: "redis://127.0.0.1:6379" }, { REDIS_URL: "redis://127.0.0.1:6379", REDIS_URL_SET: true }],
    [{ REDIS_URL: "" }, { REDIS_URL: "redis://127.0.0.1:6379", REDIS_URL_SET: false }],
    [{ LEADLINE_REDIS_PROBE_URL: "redis://127.0.0.1:1" }, { LEADLINE_REDIS_PROBE_URL: "redis://127.0.0.1:1", REDIS_URL_SET: false }],
    // TRUST_PROXY: express `trust proxy` values
    [{ TRUST_PROXY: "1" }, { TRUST_PROXY: 1 }],
    [{ TRUST_PROXY: "2" }, { TRUST_PROXY: 2 }],
    [{ TRUST_PROXY: "0" }, { TRUST_PROXY: 0 }],
    [{ TRUST_PROXY: "true" }, { TRUST_PROXY: true }],
    [{ TRUST_PROXY: "false" }, { TRUST_PROXY: false }],
    [{ TRUST_PROXY: "loopback" }, { TRUST_PROXY: ["loopback"] }],
    [{ TRUST_PROXY: "loopback, uniquelocal" }, { TRUST_PROXY: ["loopback", "uniquelocal"] }],
    [{ TRUST_PROXY: "10.0.0.0/8,172.16.0.1" }, { TRUST_PROXY: ["10.0.0.0/8", "172.16.0.1"] }],
    [{ TRUST_PROXY: "fdaa::/16, linklocal" }, { TRUST_PROXY: ["fdaa::/16", "linklocal"] }],
    [{ TRUST_PROXY: "192.168.0.0/255.255.0.0" }, { TRUST_PROXY: ["192.168.0.0/255.255.0.0"] }],
    [{ NODE_ENV: "development" }, { NODE_ENV: "development" }],
    [{ METRICS_TOKEN: " metrics-token-5f2a9c81 " }, { METRICS_TOKEN: "metrics-token-5f2a9c81" }],
  ])("%j", (source, expected) => {
    expect(parseEnv(source)).toMatchObject(expected);
  });
});

describe("parseEnv: empty-string values count as unset", () => {
  it.each([
    [{ PUBLIC_BASE_URL: "" }, "PUBLIC_BASE_URL", "http://localhost:3000"],
    [{ PUBLIC_BASE_URL: "   " }, "PUBLIC_BASE_URL", "http://localhost:3000"],
    [{ DATABASE_URL: "" }, "DATABASE_URL", undefined],
    [{ TWILIO_ACCOUNT_SID: "" }, "TWILIO_ACCOUNT_SID", undefined],
    [{ TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "" }, "TWILIO_AUTH_TOKEN", undefined],
    [{ TWILIO_AUTH_TOKEN: "  " }, "TWILIO_AUTH_TOKEN", undefined],
    [{ ADMIN_TOKEN: "" }, "ADMIN_TOKEN", undefined],
    [{ OPENAI_API_KEY: " " }, "OPENAI_API_KEY", undefined],
    [{ OPENAI_BASE_URL: "" }, "OPENAI_BASE_URL", undefined],
    [{ SLACK_API_URL: "" }, "SLACK_API_URL", undefined],
    [{ PORT: undefined }, "PORT", 3000],
    // FAIL against the current source: z.coerce.number() turns "" into 0, so `PORT=` in an .env
    // file silently listens on a random port (and PUBLIC_BASE_URL becomes http://localhost:0).
    // Reported as a bug; source not changed here.
    [{ PORT: "" }, "PORT", 3000],
    [{ PORT: "" }, "PUBLIC_BASE_URL", "http://localhost:3000"],
  ] as const)("%j gives %s = %j", (source, key, expected) => {
    expect(parseEnv(source)[key]).toEqual(expected);
  });
});

describe("parseEnv: errors are one ConfigError line naming the variable", () => {
  it.each([
    [{ PORT: "abc" }, /^Invalid environment: PORT /],
    [{ PORT: "70000" }, /^Invalid environment: PORT /],
    [{ PORT: "80.5" }, /^Invalid environment: PORT /],
    [{ DATABASE_URL: "mysql://x" }, /^Invalid environment: DATABASE_URL must start with postgres:\/\//],
    [{ TWILIO_ACCOUNT_SID: SID }, /^Invalid environment: TWILIO_AUTH_TOKEN is required when TWILIO_ACCOUNT_SID is set/],
    [{ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "" }, /TWILIO_AUTH_TOKEN/],
    [{ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "   " }, /TWILIO_AUTH_TOKEN/],
    [{ TWILIO_ACCOUNT_SID: "AC123", TWILIO_AUTH_TOKEN: "secret" }, /^Invalid environment: TWILIO_ACCOUNT_SID /],
    [{ ADMIN_TOKEN: "x".repeat(15) }, /^Invalid environment: ADMIN_TOKEN must be at least 16 characters/],
    [{ ADMIN_TOKEN: "short" }, /^Invalid environment: ADMIN_TOKEN /],
    [{ ADMIN_TOKEN: ` ${"x".repeat(15)} ` }, /^Invalid environment: ADMIN_TOKEN /], // trimmed before the length check
    [{ PUBLIC_BASE_URL: "leads.example.com" }, /^Invalid environment: PUBLIC_BASE_URL /],
    [{ REDIS_URL: "http://cache:6379" }, /^Invalid environment: REDIS_URL /],
    [{ ROLE: "admin" }, /^Invalid environment: ROLE /],
    [{ MIGRATE_ON_START: "yes" }, /^Invalid environment: MIGRATE_ON_START /],
    [{ LOG_LEVEL: "verbose" }, /^Invalid environment: LOG_LEVEL /],
    [{ QUEUE_PREFIX: "lead:line" }, /^Invalid environment: QUEUE_PREFIX /],
    [{ TRUST_PROXY: "yes" }, /^Invalid environment: TRUST_PROXY must be true, false, a number of proxy hops/],
    [{ TRUST_PROXY: "fly" }, /^Invalid environment: TRUST_PROXY /],
    [{ TRUST_PROXY: "10.0.0.0/33" }, /^Invalid environment: TRUST_PROXY /],
    [{ TRUST_PROXY: "1.2.3" }, /^Invalid environment: TRUST_PROXY /],
    [{ TRUST_PROXY: "loopback,," }, /^Invalid environment: TRUST_PROXY /],
    [{ TRUST_PROXY: "-1" }, /^Invalid environment: TRUST_PROXY /],
    [{ LEADLINE_REDIS_PROBE_URL: "127.0.0.1:6379" }, /^Invalid environment: LEADLINE_REDIS_PROBE_URL /],
    [{ METRICS_TOKEN: "short-token" }, /^Invalid environment: METRICS_TOKEN must be at least 16 characters/],
  ])("%j", (source, message) => {
    const e = errorOf(source);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain("\n");
  });
});

const PROD = { NODE_ENV: "production" };
const HTTPS = { PUBLIC_BASE_URL: "https://leads.acmeplumbing.com" };

describe("production (NODE_ENV=production or a public https PUBLIC_BASE_URL) refuses weak secrets, naming the variable", () => {
  const needsTwilio = "Invalid environment: TWILIO_AUTH_TOKEN is required in production (webhooks would be checked against the development token)";
  const placeholder = (v: string) => `Invalid environment: ${v} is a placeholder value; set the real secret before running in production`;
  const needsSid =
    "Invalid environment: TWILIO_ACCOUNT_SID is required in production when TWILIO_AUTH_TOKEN is set (without it texts would only be logged, not sent)";
  const tooShort = (v: string, n: number) => `Invalid environment: ${v} must be at least ${n} characters in production (e.g. openssl rand -hex 32)`;

  it.each([
    ["NODE_ENV=production, no Twilio token", { ...PROD }, needsTwilio],
    ["https URL, no Twilio token", { ...HTTPS }, needsTwilio],
    ["https URL with a path, no Twilio token", { PUBLIC_BASE_URL: "https://acme.example.com/leadline/" }, needsTwilio],
    ["NODE_ENV=production wins over an http URL", { ...PROD, PUBLIC_BASE_URL: "http://10.0.0.5:8080" }, needsTwilio],
    ["NODE_ENV=production and a localhost URL", { ...PROD, PUBLIC_BASE_URL: "https://localhost:3443" }, needsTwilio],
    ["the development token", { ...STRONG, ...PROD, TWILIO_AUTH_TOKEN: DEV_TWILIO_TOKEN }, placeholder("TWILIO_AUTH_TOKEN")],
    ["Twilio token CHANGE-ME", { ...STRONG, ...HTTPS, TWILIO_AUTH_TOKEN: "CHANGE-ME" }, placeholder("TWILIO_AUTH_TOKEN")],
    ["Twilio token change_me_before_deploying", { ...STRONG, ...PROD, TWILIO_AUTH_TOKEN: "change_me_before_deploying" }, placeholder("TWILIO_AUTH_TOKEN")],
    ["Twilio token <your auth token>", { ...STRONG, ...PROD, TWILIO_AUTH_TOKEN: "<your twilio auth token>" }, placeholder("TWILIO_AUTH_TOKEN")],
    ["Twilio token ${TWILIO_AUTH_TOKEN}", { ...STRONG, ...PROD, TWILIO_AUTH_TOKEN: "${TWILIO_AUTH_TOKEN}" }, placeholder("TWILIO_AUTH_TOKEN")],
    ["Twilio token too short", { ...STRONG, ...PROD, TWILIO_AUTH_TOKEN: "a1b2c3d4e5f6a7b" }, tooShort("TWILIO_AUTH_TOKEN", 16)],
    ["Twilio token PASSWORD", { ...STRONG, ...PROD, TWILIO_AUTH_TOKEN: "PASSWORD" }, placeholder("TWILIO_AUTH_TOKEN")],
    ["admin token CHANGE-ME-…", { ...STRONG, ...PROD, ADMIN_TOKEN: "CHANGE-ME-CHANGE-ME-CHANGE-ME" }, placeholder("ADMIN_TOKEN")],
    ["admin token of x's", { ...STRONG, ...PROD, ADMIN_TOKEN: "x".repeat(32) }, placeholder("ADMIN_TOKEN")],
    ["admin token your-…-here", { ...STRONG, ...HTTPS, ADMIN_TOKEN: "your-admin-token-goes-here" }, placeholder("ADMIN_TOKEN")],
    ["admin token of 23 characters", { ...STRONG, ...PROD, ADMIN_TOKEN: "3b1f0c9e8d7a6b5c4d3e2f1" }, tooShort("ADMIN_TOKEN", 24)],
    ["admin token of 16 (enough in development)", { ...STRONG, ...HTTPS, ADMIN_TOKEN: "3b1f0c9e8d7a6b5c" }, tooShort("ADMIN_TOKEN", 24)],
    [
      "Slack bot token without a signing secret",
      { ...STRONG, ...PROD, SLACK_SIGNING_SECRET: undefined },
      "Invalid environment: SLACK_SIGNING_SECRET is required in production when SLACK_BOT_TOKEN is set",
    ],
    ["Slack signing secret Secret", { ...STRONG, ...PROD, SLACK_SIGNING_SECRET: "Secret" }, placeholder("SLACK_SIGNING_SECRET")],
    ["Slack signing secret too short", { ...STRONG, ...PROD, SLACK_SIGNING_SECRET: "8f14e45fceea167" }, tooShort("SLACK_SIGNING_SECRET", 16)],
    ["Slack bot token xoxb-xxxx", { ...STRONG, ...PROD, SLACK_BOT_TOKEN: "xoxb-xxxxxxxxxx-xxxxxxxxxx" }, placeholder("SLACK_BOT_TOKEN")],
    ["OpenAI key sk-xxxx", { ...STRONG, ...PROD, OPENAI_API_KEY: "sk-xxxxxxxxxxxxxxxx" }, placeholder("OPENAI_API_KEY")],
    ["OpenAI key test", { ...STRONG, ...HTTPS, OPENAI_API_KEY: "test" }, placeholder("OPENAI_API_KEY")],
    ["metrics token CHANGE-ME-…", { ...STRONG, ...PROD, METRICS_TOKEN: "CHANGE-ME-metrics-token" }, placeholder("METRICS_TOKEN")],
    // issue 16: a token alone would run the console provider, logging every text (codes included)
    ["a Twilio token without an account SID", { ...STRONG, ...PROD, TWILIO_ACCOUNT_SID: undefined }, needsSid],
    ["a Twilio token without an account SID, https URL", { ...HTTPS, TWILIO_AUTH_TOKEN: STRONG.TWILIO_AUTH_TOKEN }, needsSid],
    ["a Twilio token and an empty account SID", { ...STRONG, ...PROD, TWILIO_ACCOUNT_SID: "" }, needsSid],
    [
      "an account SID without a token",
      { ...PROD, TWILIO_ACCOUNT_SID: SID },
      "Invalid environment: TWILIO_AUTH_TOKEN is required when TWILIO_ACCOUNT_SID is set",
    ],
  ])("%s", (_name, source, message) => {
    const e = errorOf(source);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(message);
  });

  it.each([
    ["all secrets strong, NODE_ENV=production", { ...STRONG, ...PROD }],
    ["all secrets strong, https URL", { ...STRONG, ...HTTPS }],
    ["only Twilio credentials (admin, Slack and AI off)", { ...PROD, TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: STRONG.TWILIO_AUTH_TOKEN }],
    ["an admin token of exactly 24 characters", { ...STRONG, ...PROD, ADMIN_TOKEN: "3b1f0c9e8d7a6b5c4d3e2f1a" }],
  ])("accepts %s", (_name, source) => {
    expect(parseEnv(source).PRODUCTION).toBe(true);
  });
});

describe("outside production the rules stay lenient (npm start and tests keep the development token)", () => {
  it.each([
    ["nothing set", {}],
    ["the development token", { TWILIO_AUTH_TOKEN: DEV_TWILIO_TOKEN }],
    ["a placeholder admin token of 16+ characters", { ADMIN_TOKEN: "CHANGE-ME-CHANGE-ME" }],
    ["NODE_ENV=development", { NODE_ENV: "development", TWILIO_AUTH_TOKEN: "secret" }],
    ["NODE_ENV=test", { NODE_ENV: "test" }],
    ["Slack bot token alone", { SLACK_BOT_TOKEN: "xoxb-1" }],
    ["an http URL", { PUBLIC_BASE_URL: "http://leads.acmeplumbing.com" }],
    // https on a name that can never be public (RFC 6761) is local TLS or a test, not production
    ["https://localhost", { PUBLIC_BASE_URL: "https://localhost:3443" }],
    ["https://app.localhost", { PUBLIC_BASE_URL: "https://app.localhost" }],
    ["https://127.0.0.1", { PUBLIC_BASE_URL: "https://127.0.0.1:8443" }],
    ["https://[::1]", { PUBLIC_BASE_URL: "https://[::1]:8443" }],
    ["https://leadline.test", { PUBLIC_BASE_URL: "https://leadline.test" }],
    // a token alone verifies webhooks; texts go to the console provider (bodies shown, long digit runs masked)
    ["a Twilio token alone", { TWILIO_AUTH_TOKEN: STRONG.TWILIO_AUTH_TOKEN }],
  ])("accepts %s", (_name, source) => {
    expect(parseEnv(source).PRODUCTION).toBe(false);
  });
});

describe("isPlaceholderSecret", () => {
  it.each([
    DEV_TWILIO_TOKEN,
    "CHANGE-ME",
    "change-me-please",
    "ChangeMe123",
    "changeme",
    "secret",
    "Password",
    "test",
    "EXAMPLE",
    "xxx",
    "xxxxxxxxxxxxxxxx",
    "XXXX-XXXX-XXXX",
    "****************",
    "0000000000000000",
    "sk-xxxxxxxx",
    "xoxb-xxxx-xxxx",
    "your-token-here",
    "YOUR_API_KEY_HERE",
    "<app secret>",
    "${META_APP_SECRET}",
    "  secret  ",
  ])("%j is a placeholder", (v) => {
    expect(isPlaceholderSecret(v)).toBe(true);
  });

  it.each([
    "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "test-auth-token-0000",
    "xoxb-1234567890-AbCdEf",
    "sk-proj-4fJ9kQ2mX7vB1nZ8",
    "EAAB-page-token",
    "meta-app-secret",
    "secretive-otter-42",
    "acme-form-token-3f9c1e7a",
  ])("%j is not", (v) => {
    expect(isPlaceholderSecret(v)).toBe(false);
  });
});

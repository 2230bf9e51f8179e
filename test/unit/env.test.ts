import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "../../src/config/env.ts";

const SID = `AC${"0123456789abcdef".repeat(2)}`;

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
    // PUBLIC_BASE_URL: trailing slashes stripped, whitespace trimmed, path kept
    [{ PUBLIC_BASE_URL: "https://leads.example.com/" }, { PUBLIC_BASE_URL: "https://leads.example.com" }],
    [{ PUBLIC_BASE_URL: "https://leads.example.com///" }, { PUBLIC_BASE_URL: "https://leads.example.com" }],
    [{ PUBLIC_BASE_URL: "https://example.com/leadline/" }, { PUBLIC_BASE_URL: "https://example.com/leadline" }],
    [{ PUBLIC_BASE_URL: "  https://leads.example.com/ " }, { PUBLIC_BASE_URL: "https://leads.example.com" }],
    [
      { PUBLIC_BASE_URL: "https://leads.example.com", PORT: "8080" },
      { PUBLIC_BASE_URL: "https://leads.example.com", PORT: 8080 },
    ],
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
  ])("%j", (source, message) => {
    const e = errorOf(source);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain("\n");
  });
});

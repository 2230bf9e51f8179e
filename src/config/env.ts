// Environment, parsed once at start-up. A bad value stops the process with one clear line.
import { z } from "zod";

const ZOptionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

export const ZEnv = z
  .object({
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
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .default("redis://127.0.0.1:6379"),
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
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ROLE: z.enum(["all", "web", "worker"]).default("all"),
  })
  .superRefine((e, ctx) => {
    // A token alone is allowed: webhooks are verified, texts go to the console provider.
    if (e.TWILIO_ACCOUNT_SID && !e.TWILIO_AUTH_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["TWILIO_AUTH_TOKEN"], message: "is required when TWILIO_ACCOUNT_SID is set" });
    }
  })
  .transform((e) => ({ ...e, PUBLIC_BASE_URL: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "") }));

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

// Prisma 7 reads no .env by itself, and env("DATABASE_URL") would throw during `generate`.
import { defineConfig } from "prisma/config";

try {
  process.loadEnvFile();
} catch {
  // no .env: fine
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});

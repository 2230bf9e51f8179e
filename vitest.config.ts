import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["test/helpers/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // integration files share one Postgres server and one Redis; each gets its own database and key prefix
    fileParallelism: true,
    maxWorkers: 2,
  },
});

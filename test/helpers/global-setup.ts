// One template database per test run, migrated once; each test file clones it (CREATE DATABASE …
// TEMPLATE is fast) so files run in parallel without seeing each other's rows.
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { migratePostgres } from "../../src/db/open-database.ts";
import { dbUrl, pgAdmin } from "./pg-admin.ts";

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
    runId: string;
  }
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const templateDb = `leadline_tpl_${runId}`;
  await pgAdmin(`CREATE DATABASE ${templateDb}`);
  await migratePostgres(dbUrl(templateDb));
  project.provide("templateDb", templateDb);
  project.provide("runId", runId);
  return async () => {
    const c = new (await import("pg")).default.Client({ connectionString: dbUrl("postgres") });
    await c.connect();
    const { rows } = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`leadline_%${runId}%`]);
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    await c.end();
  };
}

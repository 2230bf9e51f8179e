// Dev helper (offline `prisma migrate dev --create-only`): applies the existing migrations to an
// in-memory PGlite, diffs it against prisma/schema.prisma and writes the next migration folder.
// Usage: tsx src/db/write-migration.ts 20261122010000_name   (raw SQL Prisma cannot say: add by hand)
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { applyMigrations, diffFromEmpty } from "./schema-engine.ts";

const name = process.argv[2];
if (!name) throw new Error("usage: write-migration NAME");
const { btree_gist } = await import("@electric-sql/pglite/contrib/btree_gist");
const lite = await PGlite.create({ extensions: { btree_gist } });
const adapter = new PrismaPGlite(lite);
await applyMigrations(adapter, { schema: resolve("prisma/schema.prisma"), migrations: resolve("prisma/migrations") });
const sql = await diffFromEmpty(adapter, resolve("prisma/schema.prisma"), "current");
await lite.close();
if (!sql.trim()) {
  console.log("schema and migrations agree: nothing to write");
} else {
  mkdirSync(`prisma/migrations/${name}`, { recursive: true });
  writeFileSync(`prisma/migrations/${name}/migration.sql`, sql);
  console.log(`wrote prisma/migrations/${name}/migration.sql`);
}

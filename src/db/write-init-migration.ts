// Dev helper: regenerate prisma/migrations/<name>/migration.sql from the schema (offline `migrate diff`).
// Usage: tsx src/db/write-init-migration.ts 20261122000000_init  (then append raw SQL by hand)
import { mkdirSync, writeFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { diffFromEmpty } from "./schema-engine.ts";

const name = process.argv[2];
if (!name) throw new Error("usage: write-init-migration NAME");
const pg = await PGlite.create();
const sql = await diffFromEmpty(new PrismaPGlite(pg), "prisma/schema.prisma");
await pg.close();
mkdirSync(`prisma/migrations/${name}`, { recursive: true });
writeFileSync(`prisma/migrations/${name}/migration.sql`, sql + (process.argv[3] ? "\n" + process.argv[3] + "\n" : ""));
writeFileSync("prisma/migrations/migration_lock.toml", 'provider = "postgresql"\n');
console.log(`wrote prisma/migrations/${name}/migration.sql`);

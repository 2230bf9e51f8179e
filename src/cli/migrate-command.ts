// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database).
import { ConfigError, parseEnv } from "../config/env.ts";
import { openDatabase, readEmbeddedHolder, resolveDataDir } from "../db/open-database.ts";

try {
  process.loadEnvFile();
} catch {
  // no .env: fine
}
try {
  const env = parseEnv(process.env);
  if (!env.DATABASE_URL && readEmbeddedHolder(resolveDataDir(env.DATA_DIR))?.serve) {
    console.log("the embedded database is held by a running `npm start`, which applies migrations itself");
  } else {
    const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: 1 });
    try {
      const applied = await db.migrate();
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
    } finally {
      await db.close();
    }
  }
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : `migration failed: ${(e as Error).message}`);
  process.exit(1);
}
// the wasm schema engine leaves a 10 s timer behind: do not make the release step wait for it
setTimeout(() => process.exit(), 200).unref();

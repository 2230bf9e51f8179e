// Prisma's native schema engine cannot be downloaded here, so migrations run through the wasm build
// of the same engine with a driver adapter: same SQL as `prisma migrate diff`, same
// `_prisma_migrations` table as `prisma migrate deploy`, on Postgres and PGlite alike.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

let wasmReady: Promise<void> | undefined;

function loadWasm(): Promise<void> {
  // wasm-bindgen "bundler" target: instantiate the .wasm by hand for plain Node.
  wasmReady ??= (async () => {
    const wasmPath = createRequire(import.meta.url)
      .resolve("@prisma/schema-engine-wasm/schema_engine_bg")
      .replace(/\.js$/, ".wasm");
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
      "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
    });
    const b = bg as unknown as { __wbg_set_wasm(e: unknown): void };
    b.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  })();
  return wasmReady;
}

const filters = { externalTables: [], externalEnums: [] };

function loadMigrations(baseDir: string) {
  const dirs = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lock = join(baseDir, "migration_lock.toml");
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lock) ? readFileSync(lock, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: readFileSync(join(baseDir, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

interface ScriptAdapter {
  executeScript(script: string): Promise<void>;
  client?: { query(sql: string): Promise<unknown>; exec?: unknown };
}

/**
 * adapter-pg's executeScript splits a script on every ";" — inside $$ function bodies and comments
 * too — so a migration with a plpgsql trigger cannot run through it. Send each script whole, as
 * `prisma migrate deploy` does (pg's simple query protocol runs several statements in one call).
 */
function wholeScripts(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const patch = <A>(adapter: A): A => {
    const a = adapter as unknown as ScriptAdapter;
    // PGlite's adapter runs scripts whole already (its client has `exec`); only pg's needs this
    if (a.client && typeof a.client.query === "function" && a.client.exec === undefined) {
      const client = a.client;
      a.executeScript = async (script) => {
        await client.query(script);
      };
    }
    return adapter;
  };
  return new Proxy(factory, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if ((prop === "connect" || prop === "connectToShadowDb") && typeof value === "function") {
        return async (...args: unknown[]) => patch(await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function openEngine(schemaPath: string, factory: SqlMigrationAwareDriverAdapterFactory, log: (m: string) => void) {
  await loadWasm();
  const content = readFileSync(schemaPath, "utf8");
  const { SchemaEngine } = bg as unknown as {
    SchemaEngine: { new: (...a: unknown[]) => Promise<SchemaEngineHandle> };
  };
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath, content]] }, log, bindMigrationAwareSqlAdapterFactory(wholeScripts(factory)));
  return { engine, content };
}

interface SchemaEngineHandle {
  applyMigrations(p: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(p: unknown): Promise<{ stdout?: string }>;
  free(): void;
}

/** Applies pending migrations from `migrationsDir`; returns the names applied now. */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  paths: { schema: string; migrations: string },
  log: (m: string) => void = () => {},
): Promise<string[]> {
  const { engine } = await openEngine(paths.schema, factory, log);
  try {
    const r = await engine.applyMigrations({ migrationsList: loadMigrations(paths.migrations), filters });
    return r.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * SQL that takes a database to the schema (used to write a new migration): from empty, or from
 * the database behind `factory` as it is ("current", e.g. after applying the existing migrations).
 */
export async function diffFromEmpty(factory: SqlMigrationAwareDriverAdapterFactory, schemaPath: string, from: "empty" | "current" = "empty"): Promise<string> {
  const { engine, content } = await openEngine(schemaPath, factory, () => {});
  try {
    const r = await engine.diff({
      from: from === "empty" ? { tag: "empty" } : { tag: "schemaDatasource", files: [{ path: schemaPath, content }], configDir: dirname(schemaPath) },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content }] },
      script: true,
      exitCode: null,
      filters,
    });
    return r.stdout ?? "";
  } finally {
    engine.free();
  }
}

// Builds the console's client with Vite when its build is missing or older than its sources:
// run by `postinstall` and again at start, so `npm install && npm start` is all it takes.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CONSOLE_BUILD_DIR, CONSOLE_CLIENT_DIR } from "./console-build-paths.ts";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** whether the build is missing or older than anything it is built from (the client and the shared schemas) */
export function consoleBuildStale(): boolean {
  const index = join(CONSOLE_BUILD_DIR, "index.html");
  // a compiled server (dist/) ships the built client, not its sources
  if (!existsSync(CONSOLE_CLIENT_DIR)) return false;
  if (!existsSync(index)) return true;
  const sources = Math.max(newestMtime(CONSOLE_CLIENT_DIR), statSync(join(CONSOLE_CLIENT_DIR, "..", "console-schemas.ts")).mtimeMs);
  return statSync(index).mtimeMs < sources;
}

/** Builds when stale; true when it built. */
export async function buildConsoleClient(opts: { force?: boolean } = {}): Promise<boolean> {
  if (!opts.force && !consoleBuildStale()) return false;
  const { build } = await import("vite");
  await build({ configFile: join(CONSOLE_CLIENT_DIR, "vite.config.ts"), logLevel: "warn" });
  return true;
}

// With no DATABASE_URL the embedded database may be held by a running `npm start`. The CLI then never
// opens a session on it (PGlite has one session: its transactions would interleave with the
// server's): it sends the command to that server (src/http/local-cli-routes.ts), authenticated by
// the per-run secret the server wrote to DATA_DIR/pglite-server.json (readable by its owner only).
import { Readable } from "node:stream";
import { z } from "zod";
import { ZImportSummary } from "../contacts/import-contacts.ts";
import { DatabaseBusyError, readEmbeddedHolder, resolveDataDir } from "../db/open-database.ts";
import { type CliOperations, ZApplyResult, ZBusinessRow, ZLaunchResult, ZLines, ZTokenResult } from "../http/local-cli-routes.ts";

export interface RunningServer {
  pid: number;
  url: string;
  secret: string;
}

/**
 * The server holding the embedded database in dataDir, once it listens; undefined when no server
 * holds it (nobody, or another command, which openDatabase waits for).
 */
export async function findRunningServer(dataDir: string, waitMs = 30_000): Promise<RunningServer | undefined> {
  const dir = resolveDataDir(dataDir);
  for (let waited = 0; ; waited += 100) {
    const h = readEmbeddedHolder(dir);
    if (!h?.serve) return undefined;
    if (h.url && h.secret) return { pid: h.pid, url: h.url, secret: h.secret };
    if (waited >= waitMs) {
      throw new DatabaseBusyError(
        `the embedded database in ${dir} is held by a running Leadline (pid ${h.pid}) that serves no HTTP API (ROLE=worker?): run it with its web role, or set DATABASE_URL`,
        h,
      );
    }
    await new Promise((r) => setTimeout(r, 100)); // starting (or stopping): it says where it listens once it does
  }
}

/** The CLI's commands, carried out by the running server. */
export function remoteOperations(server: RunningServer): CliOperations {
  // body: JSON, or a CSV stream sent as it is read (never held in memory)
  async function call<S extends z.ZodType>(method: "GET" | "POST", path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const csv = body instanceof Readable;
    let res: Response;
    try {
      res = await fetch(`${server.url}/internal/cli${path}`, {
        method,
        headers: { authorization: `Bearer ${server.secret}`, ...(body === undefined ? {} : { "content-type": csv ? "text/csv" : "application/json" }) },
        ...(body === undefined ? {} : csv ? { body: Readable.toWeb(body) as ReadableStream, duplex: "half" } : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(csv ? 600_000 : 120_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new Error(`cannot reach the running Leadline (pid ${server.pid}) at ${server.url}: ${cause}`);
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const reason = (json as { error?: unknown } | undefined)?.error;
      throw new Error(typeof reason === "string" ? reason : `the running Leadline answered HTTP ${res.status}`);
    }
    return schema.parse(json);
  }
  return {
    applyBusiness: (yaml) => call("POST", "/business/apply", { yaml }, ZApplyResult),
    listBusinesses: async () => (await call("GET", "/business/list", undefined, z.object({ businesses: ZBusinessRow.array() }))).businesses,
    createToken: (slug, label) => call("POST", "/token/create", { slug, ...(label === undefined ? {} : { label }) }, ZTokenResult),
    importContacts: (slug, csv, consentSource) =>
      call(
        "POST",
        `/contacts/import?${new URLSearchParams({ slug, ...(consentSource === undefined ? {} : { consentSource }) }).toString()}`,
        csv,
        ZImportSummary,
      ),
    launchCampaign: (input) => call("POST", "/campaign/launch", input, ZLaunchResult),
    campaignStatus: async (slug) => (await call("POST", "/campaign/status", { slug }, ZLines)).lines,
    setCampaignRunning: async (slug, id, running) => (await call("POST", "/campaign/switch", { slug, id, running }, ZLines)).lines[0] ?? "",
  };
}

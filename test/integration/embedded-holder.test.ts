// Exactly one process holds the embedded database (DATA_DIR/pglite-server.json, created exclusively):
// a server is never shared, another command is waited for, a dead holder's file is stale.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseBusyError, openDatabase, readEmbeddedHolder } from "../../src/db/open-database.ts";

const dir = mkdtempSync(join(tmpdir(), "leadline-holder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;
const hold = (dataDir: string, h: object) => writeFileSync(join(dataDir, "pglite-server.json"), JSON.stringify(h));

describe("who holds the embedded database", () => {
  it("a running server's claim is refused at once, naming its pid", async () => {
    const dataDir = join(dir, "a");
    await openDatabase({ dataDir, waitMs: 0 }).then((db) => db.close()); // creates the folder
    hold(dataDir, { pid: process.ppid, serve: true, url: "http://127.0.0.1:1", secret: "s" });
    const err = await openDatabase({ dataDir, waitMs: 60_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseBusyError);
    expect((err as Error).message).toMatch(new RegExp(`in use by a running Leadline \\(pid ${process.ppid}\\)`));
  });

  it("another command's claim is waited for, then refused", async () => {
    const dataDir = join(dir, "a");
    hold(dataDir, { pid: process.ppid, serve: false });
    const err = await openDatabase({ dataDir, waitMs: 300 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/in use by another command/);
  });

  it("a dead holder's file is stale: the next open takes over, and lets go on close", async () => {
    const dataDir = join(dir, "a");
    hold(dataDir, { pid: deadPid(), serve: true, url: "http://127.0.0.1:1", secret: "s" });
    expect(readEmbeddedHolder(dataDir)).toBeUndefined();
    const db = await openDatabase({ dataDir, waitMs: 0 });
    expect(readEmbeddedHolder(dataDir)).toMatchObject({ pid: process.pid, serve: false });
    expect(statSync(join(dataDir, "pglite-server.json")).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(db.localCli).toBeUndefined(); // a command serves nobody
    await db.close();
    expect(existsSync(join(dataDir, "pglite-server.json"))).toBe(false);
  });
});

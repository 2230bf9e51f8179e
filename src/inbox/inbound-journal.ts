// When Postgres cannot take an acknowledged webhook in time, it goes to a local, fsync'd journal
// before the 2xx, and is replayed into Postgres once the database answers again — exactly once,
// because replay inserts by the provider's id like the webhook itself. The journal is per process
// (a file named by pid); a process also replays the files of processes that are gone.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Logger } from "../lib/logger.ts";
import { wallMs } from "../lib/clock.ts";

export const ZJournalEntry = z.object({
  provider: z.string(),
  kind: z.string(),
  externalId: z.string(),
  businessId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  finalStatus: z.enum(["ignored", "processed"]).optional(),
  receivedAt: z.string(),
});
export type JournalEntry = z.infer<typeof ZJournalEntry>;

export interface InboundJournal {
  /** appends and fsyncs before returning (the webhook is answered only after this) */
  append(e: JournalEntry): void;
  /** replays every replayable file through `store`; returns how many entries were replayed */
  replay(store: (e: JournalEntry) => Promise<void>): Promise<number>;
  /** files waiting to be replayed (for /readyz and tests) */
  pending(): number;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export function createInboundJournal(dir: string, log: Logger): InboundJournal {
  const pid = process.pid;
  let seq = 0;
  const current = () => join(dir, `inbound-${pid}.ndjson`);
  let replaying: Promise<number> | undefined;

  function replayable(): string[] {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const name of names.sort()) {
      const m = /^inbound-(\d+)(?:-r\d+-\d+)?\.ndjson$/.exec(name);
      if (!m) continue;
      const owner = Number(m[1]);
      if (owner === pid && !name.includes("-r")) {
        // our own live file: set it aside first, so appends from now on go to a fresh one
        const aside = join(dir, `inbound-${pid}-r${wallMs()}-${++seq}.ndjson`);
        renameSync(join(dir, name), aside);
        out.push(aside);
      } else if (owner === pid || !alive(owner)) out.push(join(dir, name));
    }
    return out;
  }

  async function replayFile(path: string, store: (e: JournalEntry) => Promise<void>): Promise<number> {
    const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
    for (const line of lines) {
      const parsed = ZJournalEntry.safeParse(JSON.parse(line));
      if (!parsed.success) {
        log.error({ path }, "journal line unreadable; skipped");
        continue;
      }
      await store(parsed.data); // throws while the database is still away: the file stays for next time
    }
    unlinkSync(path);
    return lines.length;
  }

  return {
    append(e) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const fd = openSync(current(), "a", 0o600);
      try {
        writeSync(fd, `${JSON.stringify(e)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    replay(store) {
      replaying ??= (async () => {
        let n = 0;
        try {
          for (const path of replayable()) n += await replayFile(path, store);
        } finally {
          replaying = undefined;
        }
        return n;
      })();
      return replaying;
    },
    pending() {
      try {
        return readdirSync(dir).filter((n) => n.endsWith(".ndjson")).length;
      } catch {
        return 0;
      }
    },
  };
}

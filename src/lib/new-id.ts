import { randomFillSync } from "node:crypto";
import { wallMs } from "./clock.ts";

// Randomness drawn 4 KB at a time: one call into the CSPRNG per ~400 ids, not one per id (an id is
// made on every webhook, and a call per id showed in the ingest profile).
const POOL = Buffer.alloc(4096);
let used = POOL.length;

/** A sortable, unguessable row id shaped like Prisma's cuid (lowercase alphanumerics, no ':'). */
export function newId(): string {
  if (used + 10 > POOL.length) {
    randomFillSync(POOL);
    used = 0;
  }
  const random = POOL.toString("hex", used, used + 10);
  used += 10;
  // real time, not business time: ids sort by when they were made, whatever a test's clock says
  return `c${wallMs().toString(36)}${random}`;
}

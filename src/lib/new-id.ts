import { randomBytes } from "node:crypto";
import { wallMs } from "./clock.ts";

/** A sortable, unguessable row id shaped like Prisma's cuid (lowercase alphanumerics, no ':'). */
export function newId(): string {
  // real time, not business time: ids sort by when they were made, whatever a test's clock says
  return `c${wallMs().toString(36)}${randomBytes(10).toString("hex")}`;
}

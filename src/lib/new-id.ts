import { randomBytes } from "node:crypto";

/** A sortable, unguessable row id shaped like Prisma's cuid (lowercase alphanumerics, no ':'). */
export function newId(): string {
  return `c${Date.now().toString(36)}${randomBytes(10).toString("hex")}`;
}

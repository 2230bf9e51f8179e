// A lead's speed to lead: the first text that reached the provider (or a chat) for its contact.
// Raw SQL: it runs after every send.
import type { SqlRunner } from "../db/open-database.ts";

export async function markFirstResponse(sql: SqlRunner, contactId: string, at: Date): Promise<void> {
  await sql(`UPDATE "Lead" SET "firstResponseAt" = $2::timestamp, "updatedAt" = $2::timestamp WHERE "contactId" = $1 AND "firstResponseAt" IS NULL`, [
    contactId,
    at.toISOString(),
  ]);
}

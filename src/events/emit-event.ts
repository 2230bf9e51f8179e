// Writes a domain event in the caller's transaction (or statement): the event exists exactly when
// the change it announces does. A trigger NOTIFYs the dispatchers at commit.
import type { Prisma } from "../db/open-database.ts";
import type { Tx } from "../db/with-transaction.ts";
import type { DomainEventInput, DomainEventType } from "./domain-event.ts";

export async function emitEvent<T extends DomainEventType>(db: Tx | Prisma, e: DomainEventInput<T>): Promise<void> {
  await db.$executeRaw`INSERT INTO "DomainEvent" ("businessId", "type", "subject", "payload", "createdAt")
    VALUES (${e.businessId}, ${e.type}, ${e.subject}, ${JSON.stringify(e.payload)}::jsonb, ${e.at})`;
}

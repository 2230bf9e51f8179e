-- Raw SQL Prisma cannot express (hand-written, appended to the init migration)
-- At most one open conversation per contact: concurrent inbound events race to open one, the loser re-reads.
CREATE UNIQUE INDEX "Conversation_one_open_per_contact" ON "Conversation"("contactId") WHERE "status" = 'open';

-- At most one running agent turn per conversation: the claim's one-statement fast path relies on
-- it (src/agent/claim-turn.ts). A conversation's older running rows (turns whose process died
-- while a later one started) are closed first, as the claim now closes a dead turn.
UPDATE "AgentTurn" t SET "status" = 'failed', "error" = 'died with its process', "finishedAt" = CURRENT_TIMESTAMP
WHERE t."status" = 'running' AND EXISTS (
  SELECT 1 FROM "AgentTurn" n
  WHERE n."conversationId" = t."conversationId" AND n."status" = 'running' AND (n."startedAt", n."id") > (t."startedAt", t."id")
);

CREATE UNIQUE INDEX "AgentTurn_one_running_per_conversation" ON "AgentTurn"("conversationId") WHERE "status" = 'running';

-- CreateIndex
CREATE INDEX "Conversation_slackChannel_slackThreadTs_idx" ON "Conversation"("slackChannel", "slackThreadTs");

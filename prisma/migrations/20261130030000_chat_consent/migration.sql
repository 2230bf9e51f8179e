-- AlterTable
ALTER TABLE "ChatSession" ADD COLUMN     "pendingConsentText" TEXT;

-- CreateIndex
CREATE INDEX "ChatSession_businessId_pendingPhone_idx" ON "ChatSession"("businessId", "pendingPhone");

-- AlterTable
ALTER TABLE "Call" ADD COLUMN     "aiCompletionTokens" INTEGER,
ADD COLUMN     "aiOutcome" TEXT,
ADD COLUMN     "aiPromptTokens" INTEGER,
ADD COLUMN     "aiSeconds" INTEGER,
ADD COLUMN     "aiTurns" INTEGER;

-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "lane" TEXT NOT NULL DEFAULT 'conversation';

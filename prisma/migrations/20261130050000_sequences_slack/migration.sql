-- AlterTable
ALTER TABLE "Appointment" ADD COLUMN     "confirmedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "lastJobDate" DATE,
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "slackChannel" TEXT,
ADD COLUMN     "slackThreadTs" TEXT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "authorName" TEXT,
ADD COLUMN     "enrollmentId" TEXT,
ADD COLUMN     "origin" TEXT,
ADD COLUMN     "topic" TEXT;

-- CreateTable
CREATE TABLE "Enrollment" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "conversationId" TEXT,
    "sequenceKey" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "campaignId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "reason" TEXT,
    "step" INTEGER NOT NULL DEFAULT 0,
    "nextAt" TIMESTAMP(3),
    "anchorAt" TIMESTAMP(3) NOT NULL,
    "leaseUntil" TIMESTAMP(3),
    "lastSentAt" TIMESTAMP(3),
    "context" JSONB,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Enrollment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "sequenceKey" TEXT NOT NULL,
    "segment" TEXT,
    "status" TEXT NOT NULL DEFAULT 'running',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "pausedAt" TIMESTAMP(3),

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewLink" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "enrollmentId" TEXT,
    "token" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "firstClickedAt" TIMESTAMP(3),
    "clicks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReviewLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkEvent" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "leadId" TEXT,
    "amountCents" INTEGER,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OnceMark" (
    "key" TEXT NOT NULL,
    "businessId" TEXT,
    "value" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OnceMark_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "Enrollment_status_nextAt_idx" ON "Enrollment"("status", "nextAt");

-- CreateIndex
CREATE INDEX "Enrollment_contactId_status_idx" ON "Enrollment"("contactId", "status");

-- CreateIndex
CREATE INDEX "Enrollment_campaignId_status_idx" ON "Enrollment"("campaignId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Enrollment_businessId_sequenceKey_subjectKey_key" ON "Enrollment"("businessId", "sequenceKey", "subjectKey");

-- CreateIndex
CREATE INDEX "Campaign_businessId_createdAt_idx" ON "Campaign"("businessId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewLink_enrollmentId_key" ON "ReviewLink"("enrollmentId");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewLink_token_key" ON "ReviewLink"("token");

-- CreateIndex
CREATE INDEX "ReviewLink_businessId_createdAt_idx" ON "ReviewLink"("businessId", "createdAt");

-- CreateIndex
CREATE INDEX "WorkEvent_businessId_receivedAt_idx" ON "WorkEvent"("businessId", "receivedAt");

-- CreateIndex
CREATE INDEX "WorkEvent_contactId_idx" ON "WorkEvent"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "WorkEvent_businessId_type_externalId_key" ON "WorkEvent"("businessId", "type", "externalId");

-- CreateIndex
CREATE INDEX "Message_enrollmentId_idx" ON "Message"("enrollmentId");

-- CreateIndex
CREATE INDEX "Message_fromNumber_sentAt_idx" ON "Message"("fromNumber", "sentAt");

-- AddForeignKey
ALTER TABLE "Enrollment" ADD CONSTRAINT "Enrollment_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enrollment" ADD CONSTRAINT "Enrollment_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enrollment" ADD CONSTRAINT "Enrollment_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewLink" ADD CONSTRAINT "ReviewLink_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkEvent" ADD CONSTRAINT "WorkEvent_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "Appointment" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "conversationId" TEXT,
    "serviceKey" TEXT NOT NULL,
    "crew" INTEGER NOT NULL,
    "startAt" TIMESTAMP(3) NOT NULL,
    "endAt" TIMESTAMP(3) NOT NULL,
    "busyUntil" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'booked',
    "address" TEXT,
    "zip" TEXT,
    "notes" TEXT,
    "dedupeKey" TEXT,
    "replacesId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Appointment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfferedSlot" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "serviceKey" TEXT NOT NULL,
    "startAt" TIMESTAMP(3) NOT NULL,
    "endAt" TIMESTAMP(3) NOT NULL,
    "offeredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OfferedSlot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentTurn" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "triggerMessageId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "model" TEXT,
    "promptTokens" INTEGER,
    "completionTokens" INTEGER,
    "latencyMs" INTEGER,
    "toolCalls" JSONB,
    "guard" JSONB,
    "replyMessageId" TEXT,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "AgentTurn_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Appointment_dedupeKey_key" ON "Appointment"("dedupeKey");

-- CreateIndex
CREATE INDEX "Appointment_businessId_startAt_idx" ON "Appointment"("businessId", "startAt");

-- CreateIndex
CREATE INDEX "Appointment_contactId_idx" ON "Appointment"("contactId");

-- CreateIndex
CREATE INDEX "OfferedSlot_conversationId_offeredAt_idx" ON "OfferedSlot"("conversationId", "offeredAt");

-- CreateIndex
CREATE UNIQUE INDEX "OfferedSlot_conversationId_serviceKey_startAt_key" ON "OfferedSlot"("conversationId", "serviceKey", "startAt");

-- CreateIndex
CREATE INDEX "AgentTurn_businessId_startedAt_idx" ON "AgentTurn"("businessId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AgentTurn_conversationId_triggerMessageId_key" ON "AgentTurn"("conversationId", "triggerMessageId");

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferedSlot" ADD CONSTRAINT "OfferedSlot_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentTurn" ADD CONSTRAINT "AgentTurn_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Raw SQL Prisma cannot say (hand-written): a crew is never in two places at once. Two booked
-- appointments of one crew whose busy ranges overlap are refused by the database (SQLSTATE
-- 23P01), so two homeowners racing for the last slot cannot both win.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_crew_no_overlap"
  EXCLUDE USING gist ("businessId" WITH =, "crew" WITH =, tsrange("startAt", "busyUntil") WITH &&) WHERE ("status" = 'booked');

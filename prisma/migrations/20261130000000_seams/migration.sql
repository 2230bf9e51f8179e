-- AlterTable
ALTER TABLE "Call" ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "ChatSession" ALTER COLUMN "createdAt" DROP DEFAULT,
ALTER COLUMN "lastSeenAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Consent" ALTER COLUMN "grantedAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Contact" ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Conversation" ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "InboundEvent" ALTER COLUMN "receivedAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Lead" ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "attemptedAt" TIMESTAMP(3),
ADD COLUMN     "consentScope" TEXT NOT NULL DEFAULT 'transactional',
ADD COLUMN     "holdReason" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'proactive',
ADD COLUMN     "sendAt" TIMESTAMP(3),
ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "OptOutEvent" ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Touch" ALTER COLUMN "createdAt" DROP DEFAULT;

-- CreateTable
CREATE TABLE "DomainEvent" (
    "seq" BIGSERIAL NOT NULL,
    "businessId" TEXT,
    "type" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "txid" xid8 NOT NULL DEFAULT pg_current_xact_id(),

    CONSTRAINT "DomainEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "EventCursor" (
    "subscriber" TEXT NOT NULL,
    "position" BIGINT NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EventCursor_pkey" PRIMARY KEY ("subscriber")
);

-- CreateIndex
CREATE INDEX "DomainEvent_subject_seq_idx" ON "DomainEvent"("subject", "seq");

-- CreateIndex
CREATE INDEX "Message_status_sendAt_idx" ON "Message"("status", "sendAt");

-- CreateIndex
CREATE INDEX "Message_contactId_kind_createdAt_idx" ON "Message"("contactId", "kind", "createdAt");

-- Raw SQL Prisma cannot say (hand-written): wake the event dispatchers when events commit.
-- One NOTIFY per statement; Postgres folds identical notifications within a transaction and
-- delivers them only at commit, so a listener never reads ahead of the data.
CREATE FUNCTION "leadline_notify_domain_events"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('leadline_domain_events', '');
  RETURN NULL;
END $$;

CREATE TRIGGER "DomainEvent_notify" AFTER INSERT ON "DomainEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "leadline_notify_domain_events"();

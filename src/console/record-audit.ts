// One line of the console's audit trail: who (never the token), what, when, on which conversation
// or campaign. The conversation and campaign pages show the lines about them.
import type { Prisma as Db } from "../db/open-database.ts";

export interface AuditInput {
  businessId: string;
  actor: string;
  action: string;
  subjectType: "conversation" | "campaign" | "business";
  subjectId: string;
  detail?: Record<string, unknown>;
  at: Date;
}

export async function recordAudit(prisma: Pick<Db, "auditEntry">, a: AuditInput): Promise<void> {
  await prisma.auditEntry.create({
    data: {
      businessId: a.businessId,
      actor: a.actor,
      action: a.action,
      subjectType: a.subjectType,
      subjectId: a.subjectId,
      detail: (a.detail ?? {}) as object,
      at: a.at,
    },
  });
}

// Inserts a booked appointment on the first crew the database lets have it. The exclusion
// constraint Appointment_crew_no_overlap refuses a crew whose busy time overlaps (SQLSTATE 23P01,
// after waiting for a racing transaction to end); each attempt runs under a SAVEPOINT, since an
// error aborts the whole Postgres transaction otherwise. Undefined when every crew refused.
import { isExclusionViolation } from "../db/map-db-error.ts";
import type { Tx } from "../db/with-transaction.ts";
import type { Appointment } from "../generated/prisma/client.ts";

export type NewAppointment = Omit<Appointment, "id" | "crew" | "status" | "confirmedAt">;

export async function claimCrew(tx: Tx, data: NewAppointment, crews: number): Promise<Appointment | undefined> {
  for (let crew = 1; crew <= crews; crew++) {
    await tx.$executeRawUnsafe("SAVEPOINT claim_crew");
    try {
      const row = await tx.appointment.create({ data: { ...data, crew, status: "booked" } });
      await tx.$executeRawUnsafe("RELEASE SAVEPOINT claim_crew");
      return row;
    } catch (e) {
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT claim_crew");
      if (!isExclusionViolation(e)) throw e;
    }
  }
  return undefined;
}

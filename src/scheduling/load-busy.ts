// The crews' busy time as the slot computation needs it: booked rows whose busy range reaches past `from`.
import type { Prisma } from "../db/open-database.ts";
import type { Tx } from "../db/with-transaction.ts";
import type { BusyRange } from "./compute-slots.ts";

export async function loadBusy(db: Tx | Prisma, o: { businessId: string; from: Date; to: Date; exceptAppointmentId?: string }): Promise<BusyRange[]> {
  return db.appointment.findMany({
    where: {
      businessId: o.businessId,
      status: "booked",
      busyUntil: { gt: o.from },
      startAt: { lt: o.to },
      ...(o.exceptAppointmentId ? { id: { not: o.exceptAppointmentId } } : {}),
    },
    select: { crew: true, startAt: true, busyUntil: true },
  });
}

// Cancels a booked visit that has not started, by the homeowner whose visit it is (business AND
// contact scope). The status change and `appointment.cancelled` share one transaction; cancelling
// twice answers `cancelled` again without a second event. The dedupe key is released, so the
// conversation may book that slot again later.
import type { Ctx } from "../context.ts";
import { withTransaction } from "../db/with-transaction.ts";
import type { Appointment } from "../generated/prisma/client.ts";
import { announceAppointment } from "./announce-appointment.ts";

export interface CancelRequest {
  businessId: string;
  contactId: string;
  appointmentId: string;
}

export type CancelResult = { kind: "cancelled"; appointment: Appointment } | { kind: "not-found" } | { kind: "invalid"; reason: string };

export async function cancelAppointment(ctx: Pick<Ctx, "prisma" | "clock">, c: CancelRequest): Promise<CancelResult> {
  const now = ctx.clock.now();
  const scope = { id: c.appointmentId, businessId: c.businessId, contactId: c.contactId };
  const cancelled = await withTransaction(ctx.prisma, async (tx) => {
    const done = await tx.appointment.updateMany({
      where: { ...scope, status: "booked", startAt: { gt: now } },
      data: { status: "canceled", dedupeKey: null, updatedAt: now },
    });
    if (done.count !== 1) return undefined;
    const row = await tx.appointment.findUniqueOrThrow({ where: { id: c.appointmentId } });
    await announceAppointment(tx, { type: "appointment.cancelled", appointment: row }, now);
    return row;
  });
  if (cancelled) return { kind: "cancelled", appointment: cancelled };
  const row = await ctx.prisma.appointment.findFirst({ where: scope });
  if (!row) return { kind: "not-found" };
  if (row.status === "canceled") return { kind: "cancelled", appointment: row };
  if (row.status === "booked") return { kind: "invalid", reason: "that appointment has already started" };
  return { kind: "invalid", reason: `that appointment is ${row.status}` };
}

// Moves a booked visit to another slot, by the homeowner whose visit it is (business AND contact
// scope: a conversation can only touch its own contact's appointments). The new slot obeys every
// booking rule; the old row turns `rescheduled` in the same transaction as the new insert, so the old
// crew-time is freed only if the move succeeds. Emits `appointment.changed`.
import { bookAppointment, type BookingDeps, type BookingResult } from "./book-appointment.ts";

export interface RescheduleRequest {
  businessId: string;
  contactId: string;
  appointmentId: string;
  startAt: Date;
  /** the conversation asking (default: the one that booked the visit) */
  conversationId?: string | null;
  requireOffered?: boolean;
}

export type RescheduleResult = BookingResult | { kind: "not-found" };

export async function rescheduleAppointment(ctx: BookingDeps, r: RescheduleRequest): Promise<RescheduleResult> {
  const old = await ctx.prisma.appointment.findFirst({ where: { id: r.appointmentId, businessId: r.businessId, contactId: r.contactId } });
  if (!old) return { kind: "not-found" };
  if (old.status !== "booked") {
    // a retry of a move that already happened answers with the visit it made
    const moved = await ctx.prisma.appointment.findFirst({ where: { replacesId: old.id, status: "booked", startAt: r.startAt } });
    if (old.status === "rescheduled" && moved) return { kind: "booked", appointment: moved };
    return { kind: "invalid", reason: `that appointment is ${old.status}` };
  }
  if (old.startAt.getTime() === r.startAt.getTime()) return { kind: "booked", appointment: old };
  return bookAppointment(ctx, {
    businessId: r.businessId,
    contactId: r.contactId,
    conversationId: r.conversationId ?? old.conversationId,
    serviceKey: old.serviceKey,
    startAt: r.startAt,
    address: old.address,
    zip: old.zip,
    notes: old.notes,
    replacesId: old.id,
    ...(r.requireOffered !== undefined ? { requireOffered: r.requireOffered } : {}),
  });
}

// The appointment events, written in the caller's transaction (the outbox): subject is the
// conversation (or the contact when booked outside one), so its events are delivered in order.
import type { Tx } from "../db/with-transaction.ts";
import type { AppointmentEventPayload } from "../events/domain-event.ts";
import { emitEvent } from "../events/emit-event.ts";
import type { Appointment } from "../generated/prisma/client.ts";

type Row = Pick<Appointment, "id" | "businessId" | "contactId" | "conversationId" | "serviceKey" | "startAt" | "endAt" | "crew">;

export type AppointmentAnnouncement =
  | { type: "appointment.booked" | "appointment.cancelled"; appointment: Row }
  | { type: "appointment.changed"; appointment: Row; previous: Row };

export async function announceAppointment(tx: Tx, a: AppointmentAnnouncement, at: Date): Promise<void> {
  const base = { businessId: a.appointment.businessId, subject: a.appointment.conversationId ?? a.appointment.contactId, at };
  if (a.type === "appointment.changed") {
    await emitEvent(tx, {
      ...base,
      type: a.type,
      payload: {
        ...payloadOf(a.appointment),
        replacesId: a.previous.id,
        previousStartAt: a.previous.startAt.toISOString(),
        previousEndAt: a.previous.endAt.toISOString(),
      },
    });
  } else {
    await emitEvent(tx, { ...base, type: a.type, payload: payloadOf(a.appointment) });
  }
}

function payloadOf(a: Row): AppointmentEventPayload {
  return {
    appointmentId: a.id,
    conversationId: a.conversationId,
    contactId: a.contactId,
    serviceKey: a.serviceKey,
    startAt: a.startAt.toISOString(),
    endAt: a.endAt.toISOString(),
    crew: a.crew,
  };
}

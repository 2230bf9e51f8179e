// The events others care about, written to the outbox in the same transaction as the change.
export interface DomainEventPayloads {
  "message.added": {
    messageId: string;
    conversationId: string;
    contactId: string;
    direction: "inbound" | "outbound";
    channel: string;
    author: string;
    status: string;
  };
  "message.status": { messageId: string; conversationId: string; contactId: string; status: string; errorCode?: string | null };
  "lead.updated": { leadId: string; conversationId: string | null; contactId: string; stage: string; change: "created" | "stage" | "details" };
  "conversation.assigned": { conversationId: string; contactId: string; handledBy: "ai" | "human"; by: string };
  "alert.raised": { alertId: string; kind: string; message: string; subject: string | null };
  /** a visit was booked (by the agent, or by the office) */
  "appointment.booked": AppointmentEventPayload;
  /** a visit moved: appointmentId is the new row, replacesId the one it replaced */
  "appointment.changed": AppointmentEventPayload & { replacesId: string; previousStartAt: string; previousEndAt: string };
  "appointment.cancelled": AppointmentEventPayload;
  /** a profile was applied: every process reloads its business directory */
  "business.updated": { slug: string };
  /** work done in a field-service tool arrived at /webhooks/events/:slug (stored once per type + externalId) */
  "work.recorded": {
    workEventId: string;
    type: WorkEventType;
    externalId: string;
    contactId: string;
    conversationId: string | null;
    leadId: string | null;
    amountCents: number | null;
  };
  /** a homeowner opened a tracked review link */
  "review.clicked": { reviewLinkId: string; contactId: string; enrollmentId: string | null };
}

export const WORK_EVENT_TYPES = ["estimate.sent", "estimate.accepted", "estimate.declined", "job.completed", "invoice.paid"] as const;
export type WorkEventType = (typeof WORK_EVENT_TYPES)[number];

/** times are ISO instants (UTC) */
export interface AppointmentEventPayload {
  appointmentId: string;
  conversationId: string | null;
  contactId: string;
  serviceKey: string;
  startAt: string;
  endAt: string;
  crew: number;
}

export type DomainEventType = keyof DomainEventPayloads;

export interface DomainEventInput<T extends DomainEventType = DomainEventType> {
  businessId: string;
  type: T;
  /** ordering key: events about one subject (a conversation) are delivered in order */
  subject: string;
  payload: DomainEventPayloads[T];
  at: Date;
}

/** An event as read back from the outbox. */
export interface DomainEvent<T extends DomainEventType = DomainEventType> extends DomainEventInput<T> {
  seq: bigint;
}

export function isEvent<T extends DomainEventType>(e: DomainEvent, type: T): e is DomainEvent<T> {
  return e.type === type;
}

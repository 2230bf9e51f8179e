// Books a visit, race-free. The checks that need no lock come first (the service, the business's
// rules re-applied now, the slot offered in this conversation); then one transaction inserts the
// row on the first crew the exclusion constraint accepts and writes `appointment.booked` (or
// `appointment.changed` for a move) beside it. Two homeowners racing for the last crew-time: the
// database lets one in, the other is answered `taken` with the next free slots.
// Idempotent per conversation and slot (dedupeKey): a retry returns the appointment already booked.
// A move (replacesId) marks the old row `rescheduled` first, inside the same transaction, so a move
// that overlaps its own old time on the same crew works, and a refused move leaves the old visit as
// it was.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { isUniqueViolation } from "../db/map-db-error.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { withAdvisoryLock } from "../db/with-advisory-lock.ts";
import type { Appointment } from "../generated/prisma/client.ts";
import { announceAppointment } from "./announce-appointment.ts";
import { claimCrew } from "./claim-crew.ts";
import { computeSlots, type Slot } from "./compute-slots.ts";
import { findFreeSlots } from "./find-free-slots.ts";
import { recordOfferedSlots } from "./record-offered-slots.ts";
import { resolveBooking } from "./resolve-booking.ts";

export interface BookingRequest {
  businessId: string;
  contactId: string;
  conversationId?: string | null;
  serviceKey: string;
  startAt: Date;
  address?: string | null;
  zip?: string | null;
  notes?: string | null;
  /** only a slot recorded as offered in this conversation (OfferedSlot) may be booked */
  requireOffered?: boolean;
  /** a move: the booked appointment (same business and contact) this one replaces */
  replacesId?: string;
  /** the most visits still to come the contact may hold with this one (the agent: 1; a person: unset, no limit) */
  maxUpcomingForContact?: number;
}

export type BookingResult =
  | { kind: "booked"; appointment: Appointment }
  | { kind: "taken"; alternatives: Slot[] }
  | { kind: "not-offered" }
  /** the contact already holds maxUpcomingForContact visits still to come */
  | { kind: "limit"; upcoming: Appointment[] }
  | { kind: "invalid"; reason: string };

export type BookingDeps = Pick<Ctx, "prisma" | "directory" | "clock">;

const ALTERNATIVES = 3;

/** One booking per conversation, service and start, whatever retries happen. */
export function appointmentDedupeKey(conversationId: string, serviceKey: string, startAt: Date): string {
  return `appt-${conversationId}-${serviceKey}-${startAt.toISOString()}`;
}

class Refused extends Error {}
class SlotTaken extends Error {}
class OverLimit extends Error {
  constructor(readonly upcoming: Appointment[]) {
    super("the contact already has a visit booked");
  }
}

export async function bookAppointment(ctx: BookingDeps, b: BookingRequest): Promise<BookingResult> {
  const invalid = (reason: string): BookingResult => ({ kind: "invalid", reason });
  if (Number.isNaN(b.startAt.getTime())) return invalid("not a valid time");
  const business = await ctx.directory.byId(b.businessId);
  if (!business) return invalid("no such business");
  const resolved = resolveBooking(business.profile, b.serviceKey);
  if (!resolved.ok) return invalid(resolved.reason);
  const { rules } = resolved;

  const contact = await ctx.prisma.contact.findFirst({ where: { id: b.contactId, businessId: b.businessId }, select: { id: true } });
  if (!contact) return invalid("no such contact");
  if (b.conversationId) {
    const own = await ctx.prisma.conversation.findFirst({
      where: { id: b.conversationId, businessId: b.businessId, contactId: b.contactId },
      select: { id: true },
    });
    if (!own) return invalid("no such conversation for this contact");
  }

  const dedupeKey = b.conversationId ? appointmentDedupeKey(b.conversationId, b.serviceKey, b.startAt) : null;
  if (dedupeKey) {
    const prior = await priorBooking(ctx, dedupeKey, b);
    if (prior) return prior;
  }

  if (b.requireOffered) {
    if (!b.conversationId) return { kind: "not-offered" };
    const offered = await ctx.prisma.offeredSlot.findUnique({
      where: { conversationId_serviceKey_startAt: { conversationId: b.conversationId, serviceKey: b.serviceKey, startAt: b.startAt } },
      select: { businessId: true },
    });
    if (offered?.businessId !== b.businessId) return { kind: "not-offered" };
  }

  // the rules again, now: an offered slot may have passed its notice since
  const now = ctx.clock.now();
  if (b.startAt.getTime() < now.getTime() + rules.minNoticeHours * 3600_000) {
    return invalid(`too soon: a visit needs ${rules.minNoticeHours} hours' notice`);
  }
  const [first] = computeSlots({ ...rules, now, busy: [], from: b.startAt, limit: 1 });
  if (first?.startAt.getTime() !== b.startAt.getTime()) {
    return invalid("not a bookable start: outside the booking hours or the horizon, on a closed day, or off the slot grid");
  }

  const endAt = new Date(b.startAt.getTime() + rules.durationMinutes * 60_000);
  const busyUntil = new Date(endAt.getTime() + rules.bufferMinutes * 60_000);
  try {
    const appointment = await withTransaction(
      ctx.prisma,
      async (tx) => {
        // one booking at a time per business: racers queue here instead of deadlocking on each
        // other's uncommitted rows; the exclusion constraint stays the guarantee
        await withAdvisoryLock(tx, `booking:${b.businessId}`);
        if (b.maxUpcomingForContact !== undefined) {
          // under the business's booking lock: two turns booking for one homeowner at once count each other
          const upcoming = await tx.appointment.findMany({
            where: {
              businessId: b.businessId,
              contactId: b.contactId,
              status: "booked",
              endAt: { gt: now },
              ...(b.replacesId ? { id: { not: b.replacesId } } : {}),
            },
            orderBy: { startAt: "asc" },
          });
          if (upcoming.length >= b.maxUpcomingForContact) throw new OverLimit(upcoming);
        }
        let previous: Appointment | null = null;
        if (b.replacesId) {
          previous = await tx.appointment.findFirst({ where: { id: b.replacesId, businessId: b.businessId, contactId: b.contactId, status: "booked" } });
          // conditional, so two moves of one visit cannot both win; the old time is freed only if this transaction commits
          const moved = previous
            ? await tx.appointment.updateMany({
                where: { id: previous.id, status: "booked" },
                data: { status: "rescheduled", dedupeKey: null, updatedAt: now },
              })
            : { count: 0 };
          if (moved.count !== 1) throw new Refused("the appointment to move is no longer booked");
        }
        const row = await claimCrew(
          tx,
          {
            businessId: b.businessId,
            contactId: b.contactId,
            conversationId: b.conversationId ?? null,
            serviceKey: b.serviceKey,
            startAt: b.startAt,
            endAt,
            busyUntil,
            address: b.address ?? null,
            zip: b.zip ?? null,
            notes: b.notes ?? null,
            dedupeKey,
            replacesId: b.replacesId ?? null,
            createdAt: now,
            updatedAt: now,
          },
          rules.crews,
        );
        if (!row) throw new SlotTaken();
        await announceAppointment(
          tx,
          previous ? { type: "appointment.changed", appointment: row, previous } : { type: "appointment.booked", appointment: row },
          now,
        );
        return row;
        // a racer waits on the other's uncommitted overlapping row (the exclusion constraint blocks
        // like a unique index does): under a burst those waits chain past Prisma's 5 s default
      },
      { timeoutMs: 15_000, maxWaitMs: 5_000 },
    );
    return { kind: "booked", appointment };
  } catch (e) {
    if (e instanceof Refused) return invalid(e.message);
    if (e instanceof OverLimit) return { kind: "limit", upcoming: e.upcoming };
    if (!(e instanceof SlotTaken) && !isUniqueViolation(e)) throw e;
    // the same request, racing itself: the one that got in is the answer
    if (dedupeKey) {
      const prior = await priorBooking(ctx, dedupeKey, b);
      if (prior) return prior;
    }
    if (!(e instanceof SlotTaken)) throw e;
    return { kind: "taken", alternatives: await offerAlternatives(ctx, business, b, now) };
  }
}

/** The booked row this request already made (a retry), or a refusal when the key is someone else's move. */
async function priorBooking(ctx: BookingDeps, dedupeKey: string, b: BookingRequest): Promise<BookingResult | undefined> {
  const row = await ctx.prisma.appointment.findUnique({ where: { dedupeKey } });
  if (!row || row.status !== "booked" || row.businessId !== b.businessId || row.contactId !== b.contactId) return undefined;
  if (b.replacesId && row.replacesId !== b.replacesId) return { kind: "invalid", reason: "that time is already booked for this contact" };
  return { kind: "booked", appointment: row };
}

/** The next free slots after the one asked for (then before it), recorded as offered in the conversation. */
async function offerAlternatives(ctx: BookingDeps, business: BusinessRef, b: BookingRequest, now: Date): Promise<Slot[]> {
  const base = { business, serviceKey: b.serviceKey, now, ...(b.replacesId ? { exceptAppointmentId: b.replacesId } : {}) };
  const later = await findFreeSlots(ctx.prisma, { ...base, from: b.startAt, limit: ALTERNATIVES + 1 });
  let slots = later.ok ? later.slots.filter((s) => s.startAt.getTime() !== b.startAt.getTime()).slice(0, ALTERNATIVES) : [];
  if (slots.length < ALTERNATIVES) {
    const earlier = await findFreeSlots(ctx.prisma, { ...base, limit: 1000 });
    const before = earlier.ok ? earlier.slots.filter((s) => s.startAt < b.startAt) : [];
    slots = [...before.slice(Math.max(0, before.length - (ALTERNATIVES - slots.length))), ...slots];
  }
  if (b.conversationId && slots.length) {
    await recordOfferedSlots(ctx.prisma, { businessId: b.businessId, conversationId: b.conversationId, serviceKey: b.serviceKey, slots, at: now });
  }
  return slots;
}

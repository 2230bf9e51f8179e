// The free slots for a service right now: the profile's rules, the booked crew-time, the one clock.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Prisma } from "../db/open-database.ts";
import type { Tx } from "../db/with-transaction.ts";
import { computeSlots, type Slot } from "./compute-slots.ts";
import { loadBusy } from "./load-busy.ts";
import { resolveBooking, type TService } from "./resolve-booking.ts";

const DAY_MS = 24 * 3600_000;

export interface FreeSlotsQuery {
  business: BusinessRef;
  serviceKey: string;
  now: Date;
  /** only slots starting at or after this instant */
  from?: Date;
  limit?: number;
  /** count this appointment's crew-time as free (the one being moved) */
  exceptAppointmentId?: string;
}

export type FreeSlots = { ok: true; slots: Slot[]; service: TService } | { ok: false; reason: string };

export async function findFreeSlots(db: Tx | Prisma, q: FreeSlotsQuery): Promise<FreeSlots> {
  const resolved = resolveBooking(q.business.profile, q.serviceKey);
  if (!resolved.ok) return resolved;
  const { rules, service } = resolved;
  const from = q.from && q.from > q.now ? q.from : q.now;
  // the horizon counts local days from today: two spare days cover any zone's offset
  const to = new Date(q.now.getTime() + (rules.horizonDays + 2) * DAY_MS);
  const busy = await loadBusy(db, { businessId: q.business.id, from, to, ...(q.exceptAppointmentId ? { exceptAppointmentId: q.exceptAppointmentId } : {}) });
  const slots = computeSlots({ ...rules, now: q.now, busy, from, ...(q.limit !== undefined ? { limit: q.limit } : {}) });
  return { ok: true, slots, service };
}

// The profile's booking rules for one service, as the fixed part of a slot query. Pure.
import type { TProfile } from "../config/profile-schema.ts";
import type { SlotQuery } from "./compute-slots.ts";

export type BookingRules = Omit<SlotQuery, "now" | "busy" | "from" | "limit">;
export type TService = TProfile["services"][number];

export type ResolvedBooking = { ok: true; rules: BookingRules; service: TService } | { ok: false; reason: string };

export function resolveBooking(profile: TProfile, serviceKey: string): ResolvedBooking {
  const booking = profile.booking;
  if (!booking) return { ok: false, reason: "online booking is off for this business" };
  const service = profile.services.find((s) => s.key === serviceKey);
  if (!service) {
    const keys = profile.services.map((s) => s.key);
    return { ok: false, reason: `unknown service "${serviceKey}"${keys.length ? `; use one of: ${keys.join(", ")}` : ""}` };
  }
  return {
    ok: true,
    service,
    rules: {
      timezone: profile.timezone,
      hours: booking.hours ?? profile.hours,
      dateOverrides: booking.dateOverrides,
      closedDates: booking.closedDates,
      durationMinutes: service.durationMinutes,
      bufferMinutes: booking.bufferMinutes,
      minNoticeHours: booking.minNoticeHours,
      horizonDays: booking.horizonDays,
      stepMinutes: booking.slotStepMinutes,
      crews: booking.crews,
    },
  };
}

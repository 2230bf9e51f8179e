// Speed-to-lead texts are time-bound: late beats never only up to a point (the profile's
// textBack.maxAgeMinutes). Past it the homeowner is not texted out of the blue hours later;
// the office is told instead.
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { DateTime } from "luxon";
import type { Ctx } from "../context.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import { raiseAlert } from "../alerts/raise-alert.ts";

/** purposes whose text is only worth sending soon after what prompted it */
export const TIME_BOUND_PURPOSES = ["textback", "speed-to-lead"];

export function isTooLate(triggerAt: Date, now: Date, maxAgeMinutes: number): boolean {
  return now.getTime() - triggerAt.getTime() > maxAgeMinutes * 60_000;
}

/** "Missed call 2:02 PM from (212) 555-0123, not texted: 3 h late" */
export function describeLate(what: "Missed call" | "Web lead", triggerAt: Date, now: Date, phone: string, zone: string): string {
  const when = DateTime.fromJSDate(triggerAt, { zone }).toFormat("ccc h:mm a");
  const minutes = Math.round((now.getTime() - triggerAt.getTime()) / 60_000);
  const late = minutes >= 90 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
  const number = parsePhoneNumberFromString(phone)?.formatNational() ?? phone;
  return `${what} ${when} from ${number}, not texted: ${late} late. Please call them.`;
}

/** Raises the office alert for a time-bound text that will not be sent (once per cause). */
export async function alertTooLate(
  ctx: Ctx,
  b: BusinessRef,
  a: { kind: "textback" | "speed-to-lead"; key: string; triggerAt: Date; phone: string; conversationId: string },
): Promise<void> {
  const now = ctx.clock.now();
  await raiseAlert(ctx, {
    businessId: b.id,
    kind: a.kind === "textback" ? "late-textback" : "late-speed-to-lead",
    message: describeLate(a.kind === "textback" ? "Missed call" : "Web lead", a.triggerAt, now, a.phone, b.profile.timezone),
    subject: a.conversationId,
    dedupeKey: `late-${a.key}`,
    payload: { phone: a.phone, triggerAt: a.triggerAt.toISOString() },
  });
}

/**
 * Speed to lead: the text goes out first, the bookkeeping after. Hours late (a long outage) it
 * does not go at all: the office is told to call instead.
 */
export async function textUnlessLate(
  ctx: Ctx,
  b: BusinessRef,
  late: { kind: "textback" | "speed-to-lead"; key: string; triggerAt: Date; phone: string; conversationId: string },
  send: () => Promise<unknown>,
): Promise<"sent" | "late"> {
  if (isTooLate(late.triggerAt, ctx.clock.now(), b.profile.textBack.maxAgeMinutes)) {
    await alertTooLate(ctx, b, late);
    return "late";
  }
  await send();
  return "sent";
}

import { z } from "zod";
import { formatSlot } from "../../scheduling/format-slot.ts";
import { rescheduleAppointment } from "../../scheduling/reschedule-appointment.ts";
import { defineTool } from "./agent-tool.ts";
import { parseStart, slotView } from "./slot-labels.ts";
import { upcomingAppointment } from "./upcoming-appointment.ts";

export const rescheduleAppointmentTool = defineTool({
  name: "reschedule_appointment",
  description: "Move the homeowner's booked appointment to a time find_slots returned.",
  schema: z.object({ start: z.string().min(10).max(40), appointmentId: z.string().max(40).optional() }).strict(),
  async run(ctx, scope, args) {
    const tz = scope.business.profile.timezone;
    const appt = await upcomingAppointment(ctx, scope, args.appointmentId);
    if (!appt) return { error: "this homeowner has no upcoming appointment" };
    const startAt = parseStart(args.start, tz);
    if (!startAt) return { error: "start is not a time; use the start find_slots returned" };
    const r = await rescheduleAppointment(ctx, {
      businessId: scope.business.id,
      contactId: scope.contactId,
      appointmentId: appt.id,
      startAt,
      conversationId: scope.conversationId,
      requireOffered: true,
    });
    if (r.kind === "booked")
      return { moved: true, appointmentId: r.appointment.id, when: formatSlot(r.appointment.startAt, tz), was: formatSlot(appt.startAt, tz) };
    if (r.kind === "taken") return { moved: false, error: "that time was just taken", alternatives: r.alternatives.map((s) => slotView(s, tz)) };
    if (r.kind === "not-offered") return { moved: false, error: "that time was not offered in this conversation: call find_slots first" };
    if (r.kind === "not-found") return { moved: false, error: "no such appointment" };
    if (r.kind === "limit") return { moved: false, error: "the homeowner already has another visit booked" }; // a move sets no limit
    return { moved: false, error: r.reason };
  },
});

import { z } from "zod";
import { cancelAppointment } from "../../scheduling/cancel-appointment.ts";
import { formatSlot } from "../../scheduling/format-slot.ts";
import { defineTool } from "./agent-tool.ts";
import { upcomingAppointment } from "./upcoming-appointment.ts";

export const cancelAppointmentTool = defineTool({
  name: "cancel_appointment",
  description: "Cancel the homeowner's booked appointment (only when they clearly asked to cancel).",
  schema: z.object({ appointmentId: z.string().max(40).optional(), reason: z.string().max(300).optional() }).strict(),
  async run(ctx, scope, args) {
    const appt = await upcomingAppointment(ctx, scope, args.appointmentId);
    if (!appt) return { error: "this homeowner has no upcoming appointment" };
    const r = await cancelAppointment(ctx, { businessId: scope.business.id, contactId: scope.contactId, appointmentId: appt.id });
    if (r.kind === "cancelled") return { cancelled: true, was: formatSlot(appt.startAt, scope.business.profile.timezone) };
    return { cancelled: false, error: r.kind === "invalid" ? r.reason : "no such appointment" };
  },
});

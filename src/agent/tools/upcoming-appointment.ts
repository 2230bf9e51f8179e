import type { Ctx } from "../../context.ts";
import type { ToolScope } from "./agent-tool.ts";

/** The contact's appointment the homeowner means: the one named (if theirs), else their next one. */
export async function upcomingAppointment(ctx: Ctx, scope: ToolScope, appointmentId: string | undefined) {
  return ctx.prisma.appointment.findFirst({
    where: {
      businessId: scope.business.id,
      contactId: scope.contactId,
      status: "booked",
      startAt: { gt: scope.now },
      ...(appointmentId ? { id: appointmentId } : {}),
    },
    orderBy: { startAt: "asc" },
  });
}

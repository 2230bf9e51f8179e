// Books an offered slot that is still free. The database refuses a crew's double booking; a taken
// slot comes back with others (also recorded as offered). The agent books only for a homeowner whose
// phone is proven (a text or a call from it, or a chat that proved it with the texted code): an
// anonymous chat may be offered times and asked for details, not fill the calendar. And the agent
// books one visit to come per homeowner; more is a person's call (a move is reschedule_appointment).
import { z } from "zod";
import { bookAppointment } from "../../scheduling/book-appointment.ts";
import { formatSlot } from "../../scheduling/format-slot.ts";
import { defineTool } from "./agent-tool.ts";
import { parseStart, slotView } from "./slot-labels.ts";

export const bookAppointmentTool = defineTool({
  name: "book_appointment",
  description: "Book one of the times find_slots returned (use its exact start). Confirm with the homeowner first.",
  schema: z
    .object({
      service: z.string().min(1).max(60),
      start: z.string().min(10).max(40).describe("the start exactly as find_slots returned it"),
      address: z.string().min(3).max(200).optional(),
      zip: z
        .string()
        .regex(/^\d{5}$/)
        .optional(),
      notes: z.string().max(500).optional(),
    })
    .strict(),
  async run(ctx, scope, args) {
    const tz = scope.business.profile.timezone;
    const contact = await ctx.prisma.contact.findFirst({ where: { id: scope.contactId, businessId: scope.business.id }, select: { phone: true } });
    if (!contact?.phone) {
      return {
        booked: false,
        error:
          "no proven phone number yet: do not book. Keep the details, and ask the visitor to tap 'Text me instead' and enter the code we text them; then book.",
      };
    }
    const startAt = parseStart(args.start, tz);
    if (!startAt) return { error: "start is not a time; use the start find_slots returned" };
    const r = await bookAppointment(ctx, {
      businessId: scope.business.id,
      contactId: scope.contactId,
      conversationId: scope.conversationId,
      serviceKey: args.service,
      startAt,
      address: args.address ?? null,
      zip: args.zip ?? null,
      notes: args.notes ?? null,
      requireOffered: true,
      maxUpcomingForContact: 1,
    });
    if (r.kind === "booked") return { booked: true, appointmentId: r.appointment.id, when: formatSlot(r.appointment.startAt, tz) };
    if (r.kind === "taken") return { booked: false, error: "that time was just taken", alternatives: r.alternatives.map((s) => slotView(s, tz)) };
    if (r.kind === "not-offered") return { booked: false, error: "that time was not offered in this conversation: call find_slots and offer its times" };
    if (r.kind === "limit") {
      const when = r.upcoming.map((a) => formatSlot(a.startAt, tz)).join("; ");
      return {
        booked: false,
        error: `the homeowner already has a visit booked (${when}): offer to move it (reschedule_appointment) or hand off to a person to book another`,
      };
    }
    return { booked: false, error: r.reason };
  },
});

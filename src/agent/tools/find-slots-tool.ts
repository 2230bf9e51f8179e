// Real free slots from the scheduler (hours, crews, buffers, notice, horizon), a few at a time.
// Every slot returned is recorded as offered: only those may be mentioned or booked.
import { DateTime } from "luxon";
import { z } from "zod";
import { findFreeSlots } from "../../scheduling/find-free-slots.ts";
import { recordOfferedSlots } from "../../scheduling/record-offered-slots.ts";
import { defineTool } from "./agent-tool.ts";
import { slotView } from "./slot-labels.ts";

const PART = { morning: [0, 12], afternoon: [12, 17], evening: [17, 24] } as const;

export const findSlotsTool = defineTool({
  name: "find_slots",
  description: "Free appointment times for a service. Offer only the times this returns, in its labels.",
  schema: z
    .object({
      service: z.string().min(1).max(60).describe("a service key from the business facts"),
      day: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional()
        .describe("a preferred day, YYYY-MM-DD"),
      partOfDay: z.enum(["morning", "afternoon", "evening"]).optional(),
    })
    .strict(),
  async run(ctx, scope, args) {
    const tz = scope.business.profile.timezone;
    const from = args.day ? DateTime.fromISO(args.day, { zone: tz }).startOf("day").toJSDate() : undefined;
    const free = await findFreeSlots(ctx.prisma, { business: scope.business, serviceKey: args.service, now: scope.now, ...(from ? { from } : {}), limit: 200 });
    if (!free.ok) return { error: free.reason };
    const matching = free.slots.filter((s) => {
      const local = DateTime.fromJSDate(s.startAt, { zone: tz });
      if (args.day && local.toISODate() !== args.day) return false;
      if (args.partOfDay) {
        const [a, b] = PART[args.partOfDay];
        if (local.hour < a || local.hour >= b) return false;
      }
      return true;
    });
    // a few real choices, spread out: different days first, else a couple of hours apart
    const picked: typeof matching = [];
    for (const s of matching) {
      if (picked.length === 3) break;
      const day = DateTime.fromJSDate(s.startAt, { zone: tz }).toISODate();
      const clash = picked.some((p) =>
        args.day ? Math.abs(p.startAt.getTime() - s.startAt.getTime()) < 2 * 3600_000 : DateTime.fromJSDate(p.startAt, { zone: tz }).toISODate() === day,
      );
      if (!clash) picked.push(s);
    }
    for (const s of matching) if (picked.length < 3 && !picked.includes(s)) picked.push(s);
    picked.sort((a, b) => a.startAt.getTime() - b.startAt.getTime());
    await recordOfferedSlots(ctx.prisma, {
      businessId: scope.business.id,
      conversationId: scope.conversationId,
      serviceKey: args.service,
      slots: picked,
      at: scope.now,
    });
    return {
      service: free.service.name,
      slots: picked.map((s) => slotView(s, tz)),
      ...(picked.length ? {} : { note: "no free time matches; offer another day or hand off" }),
    };
  },
});

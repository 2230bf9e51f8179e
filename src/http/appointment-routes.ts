// GET /api/admin/businesses/:slug/appointments?from=&to= — the business's visits, oldest first, times
// with the business's own UTC offset (2026-12-01T10:00:00-05:00). from/to are the business's days
// (default: today and the 30 days after). Mounted under requireAdmin (admin-routes.ts): a
// per-business token sees only its own business; any other answers 404.
import { Router, type Request, type Response } from "express";
import { DateTime } from "luxon";
import type { TProfile } from "../config/profile-schema.ts";
import type { Ctx } from "../context.ts";
import type { Appointment } from "../generated/prisma/client.ts";
import { resolveBusinessDays } from "./business-days.ts";

const DEFAULT_DAYS = 30;
const MAX_ROWS = 1000;

type ContactRef = { id: string; name: string | null; phone: string | null };

export function appointmentRoutes(ctx: Ctx): Router {
  const r = Router();
  r.get("/api/admin/businesses/:slug/appointments", async (req: Request, res: Response) => {
    const { business, zone, from, to, range } = await resolveBusinessDays(ctx, req, res, (today) => ({
      from: today,
      to: (f) => f.plus({ days: DEFAULT_DAYS }),
    }));
    const rows = await ctx.prisma.appointment.findMany({
      where: { businessId: business.id, startAt: range },
      orderBy: [{ startAt: "asc" }, { crew: "asc" }],
      take: MAX_ROWS,
    });
    const contacts = await contactsOf(ctx, business.id, rows);
    res.json({
      business: business.slug,
      timezone: zone,
      from: from.toISODate(),
      to: to.toISODate(),
      appointments: rows.map((a) => appointmentView(a, business.profile, contacts)),
    });
  });
  return r;
}

/** A conversation's appointments as the admin API shows them (GET /api/admin/conversations/:id). */
export async function conversationAppointments(ctx: Ctx, conversationId: string, businessId: string): Promise<ReturnType<typeof appointmentView>[]> {
  const business = await ctx.directory.byId(businessId);
  if (!business) return [];
  const rows = await ctx.prisma.appointment.findMany({ where: { businessId, conversationId }, orderBy: { startAt: "asc" } });
  const contacts = await contactsOf(ctx, businessId, rows);
  return rows.map((a) => appointmentView(a, business.profile, contacts));
}

async function contactsOf(ctx: Ctx, businessId: string, rows: Appointment[]): Promise<Map<string, ContactRef>> {
  const ids = [...new Set(rows.map((a) => a.contactId))];
  if (ids.length === 0) return new Map();
  const found = await ctx.prisma.contact.findMany({ where: { businessId, id: { in: ids } }, select: { id: true, name: true, phone: true } });
  return new Map(found.map((c) => [c.id, c]));
}

function appointmentView(a: Appointment, profile: TProfile, contacts: Map<string, ContactRef>) {
  const local = (d: Date) => DateTime.fromJSDate(d, { zone: profile.timezone }).toISO({ suppressMilliseconds: true });
  const contact = contacts.get(a.contactId);
  return {
    id: a.id,
    start: local(a.startAt),
    end: local(a.endAt),
    service: { key: a.serviceKey, name: profile.services.find((s) => s.key === a.serviceKey)?.name ?? null },
    status: a.status,
    crew: a.crew,
    contact: { id: a.contactId, name: contact?.name ?? null, phone: contact?.phone ?? null },
    conversationId: a.conversationId,
    replacesId: a.replacesId,
    address: a.address,
    zip: a.zip,
    notes: a.notes,
    createdAt: a.createdAt,
  };
}

// The console's Calendar writes (mounted under requireAdmin): cancel and reschedule a visit through
// the same scheduling code as the agent's tools (every booking rule applies; the office may pick any
// valid time, not only offered ones). Their appointment events move the reminders. Audited on the
// visit's conversation (or the business, for a visit without one).
import express, { Router, type Request, type Response } from "express";
import { DateTime } from "luxon";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { AppError } from "../lib/errors.ts";
import { ZRowId } from "../lib/schemas.ts";
import { parseBody } from "../lib/parse-body.ts";
import { actorOf, adminCaller, visibleTo } from "./require-admin.ts";
import { cancelAppointment } from "../scheduling/cancel-appointment.ts";
import { rescheduleAppointment } from "../scheduling/reschedule-appointment.ts";
import { ZRescheduleBody } from "./console-schemas.ts";
import { recordAudit } from "./record-audit.ts";

const ZParams = z.object({ id: ZRowId });

export function appointmentWriteRoutes(ctx: Ctx): Router {
  const r = Router();

  async function visitOf(req: Request, res: Response) {
    const { id } = parseBody(ZParams, req.params);
    const appt = await ctx.prisma.appointment.findUnique({ where: { id } });
    const business = appt && visibleTo(adminCaller(res), appt.businessId) ? await ctx.directory.byId(appt.businessId) : undefined;
    if (!appt || !business) throw new AppError("not_found", `no appointment "${id}"`);
    return { appt, business };
  }

  const audit = (res: Response, a: { businessId: string; conversationId: string | null }, action: string, detail: Record<string, unknown>) =>
    recordAudit(ctx.prisma, {
      businessId: a.businessId,
      actor: actorOf(adminCaller(res)),
      action,
      subjectType: a.conversationId ? "conversation" : "business",
      subjectId: a.conversationId ?? a.businessId,
      detail,
      at: ctx.clock.now(),
    });

  r.post("/api/admin/appointments/:id/cancel", async (req: Request, res: Response) => {
    const { appt } = await visitOf(req, res);
    const out = await cancelAppointment(ctx, { businessId: appt.businessId, contactId: appt.contactId, appointmentId: appt.id });
    if (out.kind !== "cancelled")
      throw new AppError("conflict", out.kind === "invalid" ? out.reason : "that visit cannot be cancelled (already started, moved or cancelled)");
    await audit(res, appt, "appointment-cancel", { appointmentId: appt.id });
    res.json({ ok: true, message: "cancelled" });
  });

  r.post("/api/admin/appointments/:id/reschedule", express.json({ limit: "1kb" }), async (req: Request, res: Response) => {
    const { appt, business } = await visitOf(req, res);
    const { start } = parseBody(ZRescheduleBody, req.body);
    const at = DateTime.fromISO(start, { zone: business.profile.timezone });
    if (!at.isValid) throw new AppError("bad_request", "start: not a real date and time");
    const out = await rescheduleAppointment(ctx, {
      businessId: appt.businessId,
      contactId: appt.contactId,
      appointmentId: appt.id,
      startAt: at.toJSDate(),
      requireOffered: false,
    });
    if (out.kind === "booked") {
      await audit(res, appt, "appointment-reschedule", {
        from: appt.startAt.toISOString(),
        to: out.appointment.startAt.toISOString(),
        appointmentId: out.appointment.id,
      });
      res.json({ ok: true, message: `moved to ${at.toFormat("ccc LLL d, h:mm a")}` });
      return;
    }
    const why =
      out.kind === "taken"
        ? "that time is taken"
        : out.kind === "invalid"
          ? out.reason
          : out.kind === "not-found"
            ? "no such visit"
            : "that time was not offered";
    throw new AppError("conflict", `not moved: ${why}`);
  });
  return r;
}

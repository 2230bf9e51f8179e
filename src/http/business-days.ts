// The admin routes' "this business, these days": the slug (404 for a business the caller may not
// see), and ?from=&to= as the business's own days — "2026-11-18" is midnight to midnight in its zone.
import type { Request, Response } from "express";
import { DateTime } from "luxon";
import { z } from "zod";
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../lib/errors.ts";
import { ZSlugParams as ZSlug } from "../lib/schemas.ts";
import { parseBody } from "../lib/parse-body.ts";
import { adminCaller, visibleTo } from "../console/require-admin.ts";

const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
const ZRange = z.object({ from: ZDay.optional(), to: ZDay.optional() });

export interface BusinessDays {
  business: BusinessRef;
  zone: string;
  from: DateTime;
  to: DateTime;
  /** [from's midnight, the midnight after to) for a query */
  range: { gte: Date; lt: Date };
}

export async function resolveBusinessDays(
  ctx: Ctx,
  req: Request,
  res: Response,
  defaults: (today: DateTime) => { from: DateTime; to: (from: DateTime) => DateTime },
): Promise<BusinessDays> {
  const { slug } = parseBody(ZSlug, req.params);
  const q = parseBody(ZRange, req.query);
  const business = await ctx.directory.bySlug(slug);
  if (!business || !visibleTo(adminCaller(res), business.id)) throw new AppError("not_found", `no business "${slug}"`);
  const zone = business.profile.timezone;
  const d = defaults(DateTime.fromJSDate(ctx.clock.now(), { zone }).startOf("day"));
  const from = q.from ? DateTime.fromISO(q.from, { zone }) : d.from;
  const to = q.to ? DateTime.fromISO(q.to, { zone }) : d.to(from);
  if (!from.isValid || !to.isValid) throw new AppError("bad_request", "from/to: not a real date");
  if (to < from) throw new AppError("bad_request", "to: must not be before from");
  return { business, zone, from, to, range: { gte: from.toJSDate(), lt: to.plus({ days: 1 }).toJSDate() } };
}

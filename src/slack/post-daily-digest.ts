// The morning digest: at the business's digestHour (its own zone, the one clock), yesterday's
// numbers to its Slack channel, once per business per local day (OnceMark slack:digest:<id>:<day>).
// Driven by the sweeper (every worker process runs one: the day's key is claimed first, see
// post-once.ts); a post that fails gives the day back, so the next sweep tries again.
import { DateTime } from "luxon";
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { plainSpaces } from "../scheduling/format-slot.ts";
import { readOnceMark } from "./once-marks.ts";
import { postOnce } from "./post-once.ts";
import type { SlackApi } from "./slack-api.ts";
import { buildDigestPost } from "./build-digest-post.ts";
import { summarizeDigest, type DigestFacts } from "./summarize-digest.ts";

const DELIVERED = ["accepted", "sent", "delivered", "read"];
/** longer than a Slack call can take: an empty claim older than this was left by a crash */
const CLAIM_HOLD_MS = 2 * 60_000;

/** true when this call posted the digest */
export async function postDailyDigest(ctx: Ctx, slack: SlackApi, business: BusinessRef): Promise<boolean> {
  const settings = business.profile.slack;
  if (!settings) return false;
  const local = DateTime.fromJSDate(ctx.clock.now(), { zone: business.profile.timezone });
  if (local.hour < settings.digestHour) return false;
  const key = `slack:digest:${business.id}:${local.toISODate()}`;
  if ((await readOnceMark(ctx.prisma, key))?.value) return false; // the usual case: done this morning
  const facts = await gatherDigestFacts(ctx, business, local.startOf("day").minus({ days: 1 }));
  const post = buildDigestPost(business.profile.name, summarizeDigest(facts));
  const done = await postOnce(ctx, slack, { key, businessId: business.id, channel: settings.channel, post, claimHoldMs: CLAIM_HOLD_MS });
  return done?.posted ?? false;
}

/** one local day of the business, [day, day + 1) */
export async function gatherDigestFacts(ctx: Ctx, business: BusinessRef, day: DateTime): Promise<DigestFacts> {
  const range = { gte: day.toJSDate(), lt: day.plus({ days: 1 }).toJSDate() };
  const businessId = business.id;
  const [leads, calls, booked, paid, requested, clicked] = await Promise.all([
    ctx.prisma.lead.findMany({
      where: { businessId, isTest: false, createdAt: range },
      select: { source: true, createdAt: true, firstResponseAt: true, stage: true },
    }),
    ctx.prisma.call.findMany({ where: { businessId, createdAt: range, status: "missed" }, select: { callSid: true } }),
    // a reschedule replaces a row (replacesId): only first bookings count
    ctx.prisma.appointment.count({ where: { businessId, createdAt: range, replacesId: null } }),
    ctx.prisma.workEvent.findMany({ where: { businessId, type: "invoice.paid", receivedAt: range }, select: { amountCents: true } }),
    ctx.prisma.reviewLink.count({ where: { businessId, createdAt: range } }),
    ctx.prisma.reviewLink.count({ where: { businessId, firstClickedAt: range } }),
  ]);
  const recovered = calls.length
    ? await ctx.prisma.message.count({
        where: { businessId, purpose: "textback", dedupeKey: { in: calls.map((c) => `textback-${c.callSid}`) }, status: { in: DELIVERED } },
      })
    : 0;
  return {
    dayLabel: plainSpaces(day.setLocale("en-US").toFormat("ccc, LLL d")),
    leads,
    missedCalls: calls.length,
    recovered,
    booked,
    revenueCents: paid.map((p) => p.amountCents ?? 0),
    reviewsRequested: requested,
    reviewsClicked: clicked,
  };
}

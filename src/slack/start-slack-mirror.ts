// The Slack mirror: a durable subscriber of the domain-event stream with its own cursor. Each
// conversation gets a thread whose root is the lead card (replaced in place as the lead moves) and
// every message of the conversation posted under it, in order. It never skips: while Slack is down
// or rate limiting it waits (in order) and catches up; the homeowner's replies never wait for it.
// Each post is made once (post-once.ts: an OnceMark slack:msg:<id> = its ts, and the key in the
// post's metadata), so a crash between the post and the cursor's advance does not post twice.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import type { DomainEvent } from "../events/domain-event.ts";
import { formatSlot } from "../scheduling/format-slot.ts";
import { isEvent } from "../events/domain-event.ts";
import { buildMirrorPost, type MirroredMessage } from "./build-mirror-post.ts";
import { describeAssignment } from "./describe-assignment.ts";
import { ensureThread } from "./ensure-thread.ts";
import { refreshLeadCard } from "./refresh-lead-card.ts";
import { readOnceMark } from "./once-marks.ts";
import { postOnce } from "./post-once.ts";
import type { SlackApi } from "./slack-api.ts";
import { subscribeForSlack } from "./subscribe-for-slack.ts";

export const MIRROR_SUBSCRIBER = "slack-mirror";

export function startSlackMirror(ctx: Ctx, slack: SlackApi): Promise<() => Promise<void>> {
  return subscribeForSlack(ctx, {
    name: MIRROR_SUBSCRIBER,
    types: ["message.added", "lead.updated", "conversation.assigned", "appointment.booked", "appointment.changed", "appointment.cancelled"],
    handle: (business, e) => mirrorEvent(ctx, slack, business, e),
  });
}

async function mirrorEvent(ctx: Ctx, slack: SlackApi, business: BusinessRef, e: DomainEvent): Promise<void> {
  if (isEvent(e, "message.added")) return mirrorMessage(ctx, slack, business, e.payload.messageId, e.payload.conversationId);
  if (isEvent(e, "lead.updated")) {
    if (e.payload.conversationId) await refreshLeadCard(ctx, slack, business, e.payload.conversationId);
    return;
  }
  if (isEvent(e, "conversation.assigned")) {
    return systemLine(ctx, slack, business, e, e.payload.conversationId, describeAssignment(e.payload.handledBy, e.payload.by));
  }
  if (isEvent(e, "appointment.booked") || isEvent(e, "appointment.changed") || isEvent(e, "appointment.cancelled")) {
    const conversationId = e.payload.conversationId;
    if (!conversationId) return;
    const when = formatSlot(new Date(e.payload.startAt), business.profile.timezone);
    const what = e.type === "appointment.booked" ? "Visit booked" : e.type === "appointment.changed" ? "Visit moved to" : "Visit cancelled";
    return systemLine(ctx, slack, business, e, conversationId, `${what}: ${when}`);
  }
}

/** a change worth a line in the thread (and a fresh card) */
async function systemLine(ctx: Ctx, slack: SlackApi, business: BusinessRef, e: DomainEvent, conversationId: string, text: string): Promise<void> {
  const thread = await refreshLeadCard(ctx, slack, business, conversationId);
  if (!thread) return;
  await postOnce(ctx, slack, {
    key: `slack:evt:${e.seq}`,
    businessId: business.id,
    channel: thread.channel,
    threadTs: thread.ts,
    post: { text, blocks: [{ type: "context", elements: [{ type: "mrkdwn", text: `:gear: ${text}` }] }] },
  });
}

async function mirrorMessage(ctx: Ctx, slack: SlackApi, business: BusinessRef, messageId: string, conversationId: string): Promise<void> {
  const key = `slack:msg:${messageId}`;
  if ((await readOnceMark(ctx.prisma, key))?.value) return;
  const m = await ctx.prisma.message.findFirst({ where: { id: messageId, businessId: business.id } });
  if (!m) return;
  // a dispatcher's reply from the thread is already there: only say so when it could not go out
  if (m.origin === "slack" && m.status !== "blocked" && m.status !== "scheduled") return;
  const thread = await ensureThread(ctx, slack, business, conversationId);
  if (!thread) return;
  const post =
    m.origin === "slack"
      ? {
          text: `Not sent now (${m.status}${m.holdReason ? `: ${m.holdReason}` : ""})`,
          blocks: [
            {
              type: "context",
              elements: [{ type: "mrkdwn", text: `:no_entry: That reply was not sent now (${m.status}${m.holdReason ? `: ${m.holdReason}` : ""}).` }],
            },
          ],
        }
      : buildMirrorPost({ ...m, media: mediaOf(m.media) } satisfies MirroredMessage);
  await postOnce(ctx, slack, { key, businessId: business.id, channel: thread.channel, threadTs: thread.ts, post });
}

function mediaOf(v: unknown): MirroredMessage["media"] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((x: unknown) => {
    const o = x as { url?: unknown; contentType?: unknown };
    return typeof o?.url === "string" ? [{ url: o.url, ...(typeof o.contentType === "string" ? { contentType: o.contentType } : {}) }] : [];
  });
}

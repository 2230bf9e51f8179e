// Template mode (no model key, AI off, or the model failing): a deterministic flow that still
// acknowledges, asks for the service and the job's ZIP, records what it learns, and hands the lead
// to the office once it has both. Nothing is lost; the homeowner is never left without an answer.
import type { Ctx } from "../context.ts";
import { raiseAlert } from "../alerts/raise-alert.ts";
import { renderTemplate } from "../lib/render-template.ts";
import { sendAgentReply, type ReplyTarget } from "./send-agent-reply.ts";
import { readDetails } from "./read-details.ts";
import { updateLead } from "./tools/update-lead.ts";

export async function replyWithTemplate(ctx: Ctx, t: ReplyTarget, inboundText: string): Promise<{ replyMessageId?: string | undefined }> {
  const profile = t.business.profile;
  const vars = { business: profile.name };
  const lead = await ctx.prisma.lead.findFirst({
    where: { businessId: t.business.id, contactId: t.conversation.contactId },
    orderBy: { createdAt: "asc" },
    select: { answers: true },
  });
  const contact = await ctx.prisma.contact.findUniqueOrThrow({ where: { id: t.conversation.contactId }, select: { zip: true } });
  const known = { service: (lead?.answers as { service?: string } | null)?.service, zip: contact.zip ?? undefined };
  const learned = readDetails(inboundText, profile.services);
  const scope = { business: t.business, conversationId: t.conversation.id, contactId: t.conversation.contactId, now: ctx.clock.now() };
  if ((learned.service && !known.service) || (learned.zip && !known.zip)) {
    await updateLead.run(ctx, scope, { ...(learned.service ? { service: learned.service } : {}), ...(learned.zip ? { zip: learned.zip } : {}) });
  }
  const service = known.service ?? learned.service;
  const zip = known.zip ?? learned.zip;

  const ack = renderTemplate(profile.templates.acknowledgement ?? ctx.templates.acknowledgement, vars);
  const first = await sendAgentReply(ctx, t, {
    body:
      service && zip
        ? ack
        : `${ack} ${renderTemplate(!service && !zip ? ctx.templates.askDetails : !service ? ctx.templates.askService : ctx.templates.askZip, vars)}`,
    author: "template",
    purpose: "ack",
    dedupeKey: `ack-${t.conversation.id}`, // once per conversation, however many messages arrive
  });
  if (first?.created) {
    await ctx.prisma.conversation.update({ where: { id: t.conversation.id }, data: { acknowledgedAt: ctx.clock.now() } });
    return { replyMessageId: first.id };
  }
  if (!service || !zip) return {}; // asked once already; the office sees the conversation
  const done = await sendAgentReply(ctx, t, {
    body: renderTemplate(ctx.templates.detailsReceived, vars),
    author: "template",
    purpose: "details",
    dedupeKey: `details-${t.conversation.id}`,
  });
  if (done?.created) {
    await raiseAlert(ctx, {
      businessId: t.business.id,
      kind: "lead-ready",
      message: `A lead is ready for a call back: ${profile.services.find((s) => s.key === service)?.name ?? service}, ZIP ${zip}`,
      subject: t.conversation.id,
      dedupeKey: `lead-ready-${t.conversation.id}`,
    });
  }
  return { replyMessageId: done?.created ? done.id : undefined };
}

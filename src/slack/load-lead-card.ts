// The lead card's facts, read fresh from the inbox (contact, first lead, who handles it, next visit).
import { z } from "zod";
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { formatSlot } from "../scheduling/format-slot.ts";
import type { LeadCardFacts } from "./build-lead-card.ts";

const ZAnswers = z.looseObject({ service: z.string().optional(), zip: z.string().optional() }).catch({});
const ZAssigned = z.object({ by: z.string() });

/** undefined: not this business's conversation */
export async function loadLeadCard(ctx: Ctx, business: BusinessRef, conversationId: string): Promise<LeadCardFacts | undefined> {
  const conv = await ctx.prisma.conversation.findFirst({
    where: { id: conversationId, businessId: business.id },
    include: { contact: true, leads: { orderBy: { createdAt: "asc" }, take: 1 } },
  });
  if (!conv) return undefined;
  const lead =
    conv.leads[0] ?? (await ctx.prisma.lead.findFirst({ where: { businessId: business.id, contactId: conv.contactId }, orderBy: { createdAt: "asc" } }));
  const answers = ZAnswers.parse(lead?.answers ?? {});
  const serviceKey = answers.service;
  const appointment = await ctx.prisma.appointment.findFirst({
    where: { businessId: business.id, conversationId, status: "booked", endAt: { gte: ctx.clock.now() } },
    orderBy: { startAt: "asc" },
    select: { startAt: true },
  });
  let handler: string | null = null;
  if (conv.handledBy === "human") {
    const [last] = await ctx.sql<{ payload: unknown }>(
      `SELECT "payload" FROM "DomainEvent" WHERE "subject" = $1 AND "type" = 'conversation.assigned' ORDER BY "seq" DESC LIMIT 1`,
      [conversationId],
    );
    const by = ZAssigned.safeParse(typeof last?.payload === "string" ? JSON.parse(last.payload) : last?.payload).data?.by;
    handler = by ? by.replace(/^slack:/, "") : null;
  }
  return {
    conversationId,
    name: conv.contact.name,
    phone: conv.contact.phone,
    channel: conv.channel,
    source: lead?.source ?? null,
    service: serviceKey ? (business.profile.services.find((s) => s.key === serviceKey)?.name ?? serviceKey) : null,
    zip: answers.zip ?? conv.contact.zip,
    stage: lead?.stage ?? null,
    handledBy: conv.handledBy === "human" ? "human" : "ai",
    handler,
    aiEnabled: business.profile.ai.enabled,
    appointment: appointment ? formatSlot(appointment.startAt, business.profile.timezone) : null,
  };
}

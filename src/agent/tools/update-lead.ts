// What the agent learned about the job, onto the lead (and the contact's job-site ZIP, which the
// send policy uses for quiet hours). Photos can only be ones the homeowner sent in this conversation.
import { z } from "zod";
import { withTransaction } from "../../db/with-transaction.ts";
import { emitEvent } from "../../events/emit-event.ts";
import { defineTool } from "./agent-tool.ts";

export const updateLead = defineTool({
  name: "update_lead",
  description: "Record what you learned about the job. Only include fields the homeowner actually told you.",
  schema: z
    .object({
      service: z.string().min(1).max(60).optional().describe("a service key from the business facts"),
      urgency: z.enum(["emergency", "today", "this-week", "flexible"]).optional(),
      address: z.string().min(3).max(200).optional(),
      zip: z
        .string()
        .regex(/^\d{5}$/)
        .optional(),
      description: z.string().min(1).max(1000).optional(),
      budget: z.string().max(100).optional(),
      decisionMaker: z.boolean().optional().describe("true when the homeowner decides on the job"),
      name: z.string().min(1).max(100).optional(),
      photos: z.array(z.string().url()).max(10).optional().describe("URLs of photos the homeowner sent (MMS)"),
    })
    .strict(),
  async run(ctx, scope, args) {
    const services = scope.business.profile.services;
    if (args.service && !services.some((s) => s.key === args.service))
      return { error: `unknown service "${args.service}"; use one of: ${services.map((s) => s.key).join(", ")}` };
    if (args.photos?.length) {
      const sent = await ctx.prisma.message.findMany({
        where: { conversationId: scope.conversationId, businessId: scope.business.id, direction: "inbound", channel: "mms" },
        select: { media: true },
      });
      const urls = new Set(sent.flatMap((m) => (Array.isArray(m.media) ? (m.media as { url: string }[]).map((x) => x.url) : [])));
      const unknown = args.photos.filter((p) => !urls.has(p));
      if (unknown.length) return { error: "photos must be ones the homeowner sent in this conversation" };
    }
    return withTransaction(ctx.prisma, async (tx) => {
      const lead = await tx.lead.findFirst({ where: { businessId: scope.business.id, contactId: scope.contactId }, orderBy: { createdAt: "asc" } });
      const { name, zip, ...answers } = args;
      if (name || zip) {
        await tx.contact.updateMany({
          where: { id: scope.contactId, businessId: scope.business.id },
          data: { ...(name ? { name } : {}), ...(zip ? { zip } : {}) },
        });
      }
      if (!lead) return { ok: true, note: "no lead on record; contact updated" };
      const merged = { ...((lead.answers as Record<string, unknown> | null) ?? {}), ...answers, ...(zip ? { zip } : {}) };
      const stage = lead.stage === "new" || lead.stage === "contacted" ? "qualified" : lead.stage;
      await tx.lead.update({
        where: { id: lead.id },
        data: { answers: merged, stage: args.service && args.zip ? stage : lead.stage === "new" ? "contacted" : lead.stage },
      });
      await emitEvent(tx, {
        businessId: scope.business.id,
        type: "lead.updated",
        subject: scope.conversationId,
        at: scope.now,
        payload: { leadId: lead.id, conversationId: scope.conversationId, contactId: scope.contactId, stage: lead.stage, change: "details" },
      });
      return { ok: true, recorded: Object.keys(args) };
    });
  },
});

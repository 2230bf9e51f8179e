// Answers to what a sequence sent, handled before the agent's usual turn:
//  - "C" to a reminder confirms the visit (recorded on the appointment, a short confirmation back);
//  - "R" hands the reschedule to the agent (told which visit) or, with no model, to a person;
//  - a complaint in reply to a review request goes to the office: an alert, the AI steps back.
import { raiseAlert } from "../alerts/raise-alert.ts";
import { sendAgentReply } from "../agent/send-agent-reply.ts";
import type { TurnResponder } from "../agent/turn-responder.ts";
import { assignConversation } from "../inbox/assign-conversation.ts";
import { formatSlotDay, formatSlotTime } from "../scheduling/format-slot.ts";
import { detectComplaint } from "./detect-complaint.ts";
import { allSequences } from "./sequence-registry.ts";
import type { Trigger } from "./sequence-schema.ts";

const REMINDER_WINDOW_MS = 48 * 3600_000;
const COMPLAINT_WINDOW_MS = 14 * 24 * 3600_000;

/** a turn responder (registered where workers start): answers before the model when the text replies to a sequence */
export const answerSequenceReply: TurnResponder = async (ctx, t, text, useModel) => {
  const word = text
    .trim()
    .toUpperCase()
    .replace(/[^A-Z]/g, "");
  const now = ctx.clock.now();
  const contactId = t.conversation.contactId;
  const keysOf = (trigger: Trigger) => [...allSequences().sequences.values()].filter((s) => s.trigger.event === trigger).map((s) => s.key);

  if (["C", "CONFIRM", "CONFIRMED", "R", "RESCHEDULE"].includes(word)) {
    const reminder = await ctx.prisma.enrollment.findFirst({
      where: {
        businessId: t.business.id,
        contactId,
        sequenceKey: { in: keysOf("appointment.booked") },
        lastSentAt: { gte: new Date(now.getTime() - REMINDER_WINDOW_MS) },
      },
      orderBy: { lastSentAt: "desc" },
    });
    const visit = reminder ? await ctx.prisma.appointment.findFirst({ where: { id: reminder.subjectKey, status: "booked", startAt: { gt: now } } }) : null;
    if (visit) {
      const zone = t.business.profile.timezone;
      const when = `${formatSlotDay(visit.startAt, zone)} at ${formatSlotTime(visit.startAt, zone)}`;
      if (word.startsWith("C")) {
        await ctx.prisma.appointment.updateMany({ where: { id: visit.id, confirmedAt: null }, data: { confirmedAt: now } });
        const sent = await sendAgentReply(ctx, t, {
          body: `Thanks! You're confirmed for ${when}. See you then. - ${t.business.profile.name}`,
          author: "template",
          purpose: "reminder-confirmed",
          dedupeKey: `confirm-${visit.id}`,
        });
        return { kind: "answered", status: "replied", replyMessageId: sent?.id };
      }
      if (useModel) {
        return {
          kind: "note",
          note: `(The homeowner answered "R" to the reminder for their visit on ${when}: they want to reschedule it. Offer new times and move it.)`,
        };
      }
      await assignConversation(ctx, { businessId: t.business.id, conversationId: t.conversation.id, handledBy: "human", by: "reminder-reschedule" });
      const sent = await sendAgentReply(ctx, t, {
        body: `No problem. Someone from ${t.business.profile.name} will text you shortly to find a new time.`,
        author: "template",
        purpose: "reminder-reschedule",
      });
      return { kind: "answered", status: "handed-off", replyMessageId: sent?.id };
    }
  }

  if (detectComplaint(text)) {
    const review = await ctx.prisma.enrollment.findFirst({
      where: {
        businessId: t.business.id,
        contactId,
        sequenceKey: { in: [...allSequences().sequences.values()].filter((s) => s.complaintsToOffice).map((s) => s.key) },
        lastSentAt: { gte: new Date(now.getTime() - COMPLAINT_WINDOW_MS) },
      },
    });
    if (review) {
      const who = t.contact.name ?? t.contact.phone ?? "a customer";
      await raiseAlert(ctx, {
        businessId: t.business.id,
        kind: "complaint",
        message: `Complaint from ${who} after a review request: "${text.slice(0, 300)}"`,
        subject: t.conversation.id,
        dedupeKey: `complaint-${review.id}`,
      });
      await assignConversation(ctx, { businessId: t.business.id, conversationId: t.conversation.id, handledBy: "human", by: "complaint" });
      const sent = await sendAgentReply(ctx, t, {
        body: `I'm sorry to hear that. I've passed this to the office and someone from ${t.business.profile.name} will reach out shortly.`,
        author: "template",
        purpose: "complaint-ack",
      });
      return { kind: "answered", status: "handed-off", replyMessageId: sent?.id };
    }
  }
  return { kind: "none" };
};

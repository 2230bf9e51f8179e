// The read-only answers of /leadline: today's leads, and a contact found by phone or name.
// Fast reads, answered in the ack (ephemeral: only the asker sees them).
import { DateTime } from "luxon";
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { toE164 } from "../lib/phone.ts";
import { plainSpaces } from "../scheduling/format-slot.ts";
import { escapeMrkdwn } from "./escape-mrkdwn.ts";
import { SLASH_HELP, type SlashCommand } from "./parse-slash-command.ts";

const LIMIT = 20;

export async function answerSlashQuery(ctx: Ctx, business: BusinessRef, cmd: SlashCommand): Promise<string> {
  const zone = business.profile.timezone;
  const time = (d: Date) => plainSpaces(DateTime.fromJSDate(d, { zone }).setLocale("en-US").toFormat("h:mm a"));
  const day = (d: Date) => plainSpaces(DateTime.fromJSDate(d, { zone }).setLocale("en-US").toFormat("LLL d"));
  const who = (c: { name: string | null; phone: string | null }) => escapeMrkdwn([c.name, c.phone].filter(Boolean).join(" · ") || "unknown");

  if (cmd.kind === "today") {
    const start = DateTime.fromJSDate(ctx.clock.now(), { zone }).startOf("day").toJSDate();
    const leads = await ctx.prisma.lead.findMany({
      where: { businessId: business.id, isTest: false, createdAt: { gte: start } },
      orderBy: { createdAt: "asc" },
      take: LIMIT + 1,
      select: { createdAt: true, source: true, stage: true, contact: { select: { name: true, phone: true } } },
    });
    if (!leads.length) return `No leads yet today for ${escapeMrkdwn(business.profile.name)}.`;
    const lines = leads.slice(0, LIMIT).map((l) => `• ${time(l.createdAt)} ${who(l.contact)} — ${escapeMrkdwn(l.source)} — ${l.stage}`);
    return [`*Today's leads* (${leads.length > LIMIT ? `first ${LIMIT}` : leads.length}):`, ...lines].join("\n");
  }
  if (cmd.kind === "find") {
    const phone = toE164(cmd.query);
    const contacts = await ctx.prisma.contact.findMany({
      where: { businessId: business.id, ...(phone ? { phone } : { name: { contains: cmd.query, mode: "insensitive" } }) },
      orderBy: { updatedAt: "desc" },
      take: 10,
      select: {
        name: true,
        phone: true,
        conversations: { orderBy: { lastMessageAt: "desc" }, take: 1, select: { handledBy: true, lastMessageAt: true, slackThreadTs: true } },
        leads: { orderBy: { createdAt: "asc" }, take: 1, select: { stage: true, source: true } },
      },
    });
    if (!contacts.length) return `No contact matches "${escapeMrkdwn(cmd.query)}".`;
    return contacts
      .map((c) => {
        const conv = c.conversations[0];
        const lead = c.leads[0];
        const facts = [
          lead ? `${escapeMrkdwn(lead.source)}, ${lead.stage}` : "no lead",
          conv?.lastMessageAt ? `last message ${day(conv.lastMessageAt)} ${time(conv.lastMessageAt)}` : undefined,
          conv ? (conv.handledBy === "human" ? "a person handles it" : "the AI handles it") : undefined,
        ].filter(Boolean);
        return `• ${who(c)} — ${facts.join(" — ")}`;
      })
      .join("\n");
  }
  return cmd.kind === "help" && cmd.unknown ? `${escapeMrkdwn(cmd.unknown)}\n${SLASH_HELP}` : SLASH_HELP;
}

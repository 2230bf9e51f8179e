// With the AI off for a lead (the business's switch, or a person took the conversation over), a
// homeowner whose last message nobody answered within slack.unansweredMinutes raises an
// "unanswered" alert, once per waiting message (the alert's dedupe key), relayed to Slack like any
// alert. Only messages from the last day count: an old backlog is not an emergency.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { raiseAlert } from "../alerts/raise-alert.ts";

const LOOKBACK_MS = 24 * 3600_000;

export async function alertUnansweredLeads(ctx: Ctx, business: BusinessRef): Promise<number> {
  const minutes = business.profile.slack?.unansweredMinutes;
  if (!minutes) return 0;
  const now = ctx.clock.now();
  const rows = await ctx.sql<{ conversationId: string; messageId: string; name: string | null; phone: string | null; at: Date | string }>(
    `SELECT c."id" AS "conversationId", m."id" AS "messageId", k."name", k."phone", m."createdAt" AS "at"
     FROM "Conversation" c
     JOIN "Contact" k ON k."id" = c."contactId"
     JOIN LATERAL (SELECT "id", "createdAt" FROM "Message" WHERE "conversationId" = c."id" AND "direction" = 'inbound'
                   ORDER BY "createdAt" DESC, "id" DESC LIMIT 1) m ON true
     WHERE c."businessId" = $1 AND c."status" = 'open' AND ($2::boolean OR c."handledBy" = 'human')
       AND m."createdAt" <= $3 AND m."createdAt" > $4
       AND NOT EXISTS (SELECT 1 FROM "Message" o WHERE o."conversationId" = c."id" AND o."direction" = 'outbound'
                       AND o."author" = 'human' AND o."createdAt" >= m."createdAt")
     LIMIT 200`,
    [business.id, !business.profile.ai.enabled, new Date(now.getTime() - minutes * 60_000).toISOString(), new Date(now.getTime() - LOOKBACK_MS).toISOString()],
  );
  let raised = 0;
  for (const r of rows) {
    const waited = Math.round((now.getTime() - new Date(r.at).getTime()) / 60_000);
    const who = [r.name, r.phone].filter(Boolean).join(" ") || "A homeowner";
    const created = await raiseAlert(ctx, {
      businessId: business.id,
      kind: "unanswered",
      message: `${who} has waited ${waited} min for a person (the AI is off for this lead).`,
      subject: r.conversationId,
      dedupeKey: `unanswered-${r.messageId}`,
    });
    if (created) raised++;
  }
  return raised;
}

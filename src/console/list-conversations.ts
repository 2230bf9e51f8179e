// The inbox: a business's conversations, newest message first, one page at a time (the
// (businessId, lastMessageAt) index keeps a page cheap however many there are). "Needs attention"
// = a person holds it (a hand-off or an emergency), the lead is flagged, or the homeowner wrote last.
import type { Ctx } from "../context.ts";
import type { TInbox } from "./console-schemas.ts";

// $1 is the business in every query here; the flagged leads are one hashed set, the last message one index probe
const ATTENTION_SQL = `(c."handledBy" = 'human'
  OR c."id" IN (SELECT l."conversationId" FROM "Lead" l WHERE l."businessId" = $1 AND l."needsAttention" AND l."conversationId" IS NOT NULL)
  OR (SELECT m."direction" FROM "Message" m WHERE m."conversationId" = c."id" ORDER BY m."createdAt" DESC, m."id" DESC LIMIT 1) = 'inbound')`;

export async function listConversations(
  ctx: Pick<Ctx, "prisma">,
  businessId: string,
  o: { limit: number; before?: Date | undefined; needsAttention: boolean },
): Promise<TInbox> {
  // a chat opened and left without a word is not a conversation yet
  const base = `c."businessId" = $1 AND c."status" <> 'merged' AND c."lastMessageAt" IS NOT NULL`;
  const params: unknown[] = [businessId];
  let where = base;
  if (o.before) {
    params.push(o.before);
    where += ` AND c."lastMessageAt" < $${params.length}`;
  }
  if (o.needsAttention) where += ` AND ${ATTENTION_SQL}`;
  params.push(o.limit + 1);
  // the page first (the index walks it), then "attention" for its rows only
  const pageQuery = ctx.prisma.$queryRawUnsafe<{ id: string; attention: boolean }[]>(
    `SELECT c."id", ${ATTENTION_SQL} AS "attention" FROM (
       SELECT c."id", c."handledBy", c."lastMessageAt", c."createdAt" FROM "Conversation" c WHERE ${where}
       ORDER BY c."lastMessageAt" DESC, c."createdAt" DESC LIMIT $${params.length}
     ) c ORDER BY c."lastMessageAt" DESC, c."createdAt" DESC`,
    ...params,
  );
  const countQuery = ctx.prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS "n" FROM "Conversation" c WHERE ${base} AND ${ATTENTION_SQL}`,
    businessId,
  );
  // the count (the whole business) runs beside the page, not after it
  const [page, [count]] = await Promise.all([pageQuery, countQuery]);
  const more = page.length > o.limit;
  const ids = page.slice(0, o.limit).map((p) => p.id);
  const attention = new Map(page.map((p) => [p.id, p.attention]));
  const rows = await ctx.prisma.conversation.findMany({
    where: { id: { in: ids } },
    include: {
      contact: { select: { id: true, name: true, phone: true, email: true, optedOutAt: true } },
      leads: { orderBy: { createdAt: "asc" }, take: 1, select: { id: true, stage: true, source: true, needsAttention: true } },
      messages: {
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: 1,
        select: { id: true, direction: true, channel: true, author: true, body: true, status: true, createdAt: true },
      },
    },
  });
  const byId = new Map(rows.map((c) => [c.id, c]));
  const channels = await ctx.prisma.message.groupBy({ by: ["conversationId", "channel"], where: { businessId, conversationId: { in: ids } } });
  const conversations = ids.flatMap((id) => {
    const c = byId.get(id);
    if (!c) return [];
    const lead = c.leads[0];
    const last = c.messages[0];
    return [
      {
        id: c.id,
        contact: { id: c.contact.id, name: c.contact.name, phone: c.contact.phone, email: c.contact.email, optedOut: c.contact.optedOutAt !== null },
        channels: channels
          .filter((x) => x.conversationId === c.id)
          .map((x) => x.channel)
          .sort(),
        status: c.status,
        handledBy: c.handledBy,
        lead: lead ? { id: lead.id, stage: lead.stage, source: lead.source, needsAttention: lead.needsAttention } : null,
        lastMessage: last ? { ...last, createdAt: last.createdAt.toISOString() } : null,
        lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
        createdAt: c.createdAt.toISOString(),
        needsAttention: attention.get(c.id) === true,
      },
    ];
  });
  const tail = conversations.at(-1);
  return { conversations, needsAttentionCount: count?.n ?? 0, nextBefore: more && tail ? tail.lastMessageAt : null };
}

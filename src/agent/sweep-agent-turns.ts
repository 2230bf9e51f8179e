// The agent's half of the sweep: an inbound message no turn answered (its job was lost with
// Redis, or a worker died mid-turn) gets its turn. Only recent ones: a day-old question is the
// office's now.
import type { Ctx } from "../context.ts";
import { requestAgentTurn } from "./request-agent-turn.ts";
import { TURN_BUDGET_MS } from "./claim-turn.ts";

const WAIT_MS = 30_000;
const MAX_AGE_MS = 6 * 3600_000;

export async function sweepAgentTurns(ctx: Ctx): Promise<{ requested: number }> {
  const now = ctx.clock.now().getTime();
  // the newest inbound per open AI conversation, old enough that its own job should have run
  const rows = await ctx.sql<{ conversationId: string; id: string }>(
    `SELECT DISTINCT ON (m."conversationId") m."conversationId", m."id"
       FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId"
      WHERE m."direction" = 'inbound' AND m."channel" IN ('sms', 'mms', 'webchat')
        AND m."createdAt" BETWEEN $1 AND $2 AND c."status" = 'open' AND c."handledBy" = 'ai'
      ORDER BY m."conversationId", m."createdAt" DESC, m."id" DESC
      LIMIT 500`,
    [new Date(now - MAX_AGE_MS).toISOString(), new Date(now - WAIT_MS).toISOString()],
  );
  let requested = 0;
  for (const r of rows) {
    const answered = await ctx.prisma.agentTurn.findFirst({
      where: {
        conversationId: r.conversationId,
        // a turn for this message that ended, or any turn still alive; one running past its budget
        // died with its process: its message is asked for again (the claim closes it, then runs it again)
        OR: [
          { triggerMessageId: r.id, status: { notIn: ["failed", "running"] } },
          { status: "running", startedAt: { gt: new Date(now - TURN_BUDGET_MS) } },
        ],
      },
      select: { id: true },
    });
    const later = answered
      ? null
      : await ctx.prisma.message.findFirst({
          where: {
            conversationId: r.conversationId,
            direction: "outbound",
            author: { in: ["ai", "template", "human"] },
            createdAt: { gt: new Date(now - MAX_AGE_MS) },
          },
          orderBy: { createdAt: "desc" },
          select: { createdAt: true },
        });
    const inbound = answered ? null : await ctx.prisma.message.findUnique({ where: { id: r.id }, select: { createdAt: true } });
    if (answered || (later && inbound && later.createdAt >= inbound.createdAt)) continue;
    try {
      await requestAgentTurn(ctx, r.conversationId, 0);
      requested++;
    } catch {
      break; // Redis away: the next sweep
    }
  }
  return { requested };
}

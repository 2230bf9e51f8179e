// One turn at a time per conversation, and one turn per trigger: the claim is an AgentTurn row
// written under a per-conversation advisory lock, refused while another turn runs (a turn that
// has run longer than its budget counts as dead: its process crashed).
import type { Ctx } from "../context.ts";
import { withTransaction } from "../db/with-transaction.ts";
import { withAdvisoryLock } from "../db/with-advisory-lock.ts";

/** a turn older than this is taken to have died with its process */
export const TURN_BUDGET_MS = 90_000;

export async function claimTurn(
  ctx: Ctx,
  c: { businessId: string; conversationId: string; triggerMessageId: string; mode: "llm" | "template" },
): Promise<string | undefined> {
  const now = ctx.clock.now();
  return withTransaction(ctx.prisma, async (tx) => {
    await withAdvisoryLock(tx, `agent:${c.conversationId}`);
    const busy = await tx.agentTurn.findFirst({
      where: { conversationId: c.conversationId, status: "running", startedAt: { gt: new Date(now.getTime() - TURN_BUDGET_MS) } },
      select: { id: true },
    });
    if (busy) return undefined;
    const done = await tx.agentTurn.findUnique({
      where: { conversationId_triggerMessageId: { conversationId: c.conversationId, triggerMessageId: c.triggerMessageId } },
      select: { id: true, status: true },
    });
    if (done?.status === "failed") {
      // the job's retry (or the sweep) runs it again
      await tx.agentTurn.update({ where: { id: done.id }, data: { status: "running", mode: c.mode, startedAt: now, finishedAt: null, error: null } });
      return done.id;
    }
    if (done) return undefined;
    const turn = await tx.agentTurn.create({
      data: {
        businessId: c.businessId,
        conversationId: c.conversationId,
        triggerMessageId: c.triggerMessageId,
        status: "running",
        mode: c.mode,
        startedAt: now,
      },
    });
    return turn.id;
  });
}

export interface TurnRecord {
  status: "replied" | "handed-off" | "skipped" | "failed" | "superseded";
  mode?: "llm" | "template";
  model?: string | undefined;
  promptTokens?: number;
  completionTokens?: number;
  latencyMs?: number;
  toolCalls?: unknown[];
  guard?: unknown[];
  replyMessageId?: string | undefined;
  error?: string | undefined;
}

export async function finishTurn(ctx: Ctx, turnId: string, r: TurnRecord): Promise<void> {
  await ctx.prisma.agentTurn.update({
    where: { id: turnId },
    data: {
      status: r.status,
      ...(r.mode ? { mode: r.mode } : {}),
      model: r.model ?? null,
      promptTokens: r.promptTokens ?? null,
      completionTokens: r.completionTokens ?? null,
      latencyMs: r.latencyMs ?? null,
      toolCalls: (r.toolCalls ?? []) as object,
      guard: (r.guard ?? []) as object,
      replyMessageId: r.replyMessageId ?? null,
      error: r.error?.slice(0, 1000) ?? null,
      finishedAt: ctx.clock.now(),
    },
  });
}

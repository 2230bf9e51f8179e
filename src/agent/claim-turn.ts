// One turn at a time per conversation, and one turn per trigger: the claim is an AgentTurn row
// written under a per-conversation advisory lock (lock, then one statement), refused while another turn runs (a turn that
// has run longer than its budget counts as dead: its process crashed).
import type { Ctx } from "../context.ts";
import { withSqlTransaction } from "../db/with-transaction.ts";
import { newId } from "../lib/new-id.ts";

/** a turn older than this is taken to have died with its process */
export const TURN_BUDGET_MS = 90_000;

// Under the conversation's lock (so its snapshot is taken after the lock was granted): refused while
// another turn runs within its budget; a failed turn for this trigger is run again (the job's retry
// or the sweep); one that ran already is not; else a new turn.
const CLAIM_SQL = `
WITH busy AS (
  SELECT 1 FROM "AgentTurn" WHERE "conversationId" = $1 AND "status" = 'running' AND "startedAt" > $4::timestamp - $6 * interval '1 millisecond'
), done AS (
  SELECT "id", "status" FROM "AgentTurn" WHERE "conversationId" = $1 AND "triggerMessageId" = $2
), revived AS (
  UPDATE "AgentTurn" SET "status" = 'running', "mode" = $5, "startedAt" = $4::timestamp, "finishedAt" = NULL, "error" = NULL
  WHERE "id" IN (SELECT "id" FROM done WHERE "status" = 'failed') AND NOT EXISTS (SELECT 1 FROM busy)
  RETURNING "id"
), made AS (
  INSERT INTO "AgentTurn" ("id", "businessId", "conversationId", "triggerMessageId", "status", "mode", "startedAt")
  SELECT $7, $3, $1, $2, 'running', $5, $4::timestamp
  WHERE NOT EXISTS (SELECT 1 FROM busy) AND NOT EXISTS (SELECT 1 FROM done)
  RETURNING "id"
)
SELECT "id" FROM revived UNION ALL SELECT "id" FROM made`;

export async function claimTurn(
  ctx: Ctx,
  c: { businessId: string; conversationId: string; triggerMessageId: string; mode: "llm" | "template" },
): Promise<string | undefined> {
  const now = ctx.clock.now();
  // raw SQL (on the reply's critical path); the lock is withAdvisoryLock's key for `agent:<id>`
  return withSqlTransaction(ctx.sqlTx, async (sql) => {
    await sql(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text`, [`agent:${c.conversationId}`]);
    const rows = await sql<{ id: string }>(CLAIM_SQL, [c.conversationId, c.triggerMessageId, c.businessId, now.toISOString(), c.mode, TURN_BUDGET_MS, newId()]);
    return rows[0]?.id;
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
  // raw SQL: every turn ends here, and the next text's turn may be waiting behind it
  await ctx.sql(
    `UPDATE "AgentTurn" SET "status" = $2, "mode" = coalesce($3, "mode"), "model" = $4, "promptTokens" = $5, "completionTokens" = $6,
       "latencyMs" = $7, "toolCalls" = $8::jsonb, "guard" = $9::jsonb, "replyMessageId" = $10, "error" = $11, "finishedAt" = $12::timestamp
     WHERE "id" = $1`,
    [
      turnId,
      r.status,
      r.mode ?? null,
      r.model ?? null,
      r.promptTokens ?? null,
      r.completionTokens ?? null,
      r.latencyMs ?? null,
      JSON.stringify(r.toolCalls ?? []),
      JSON.stringify(r.guard ?? []),
      r.replyMessageId ?? null,
      r.error?.slice(0, 1000) ?? null,
      ctx.clock.now().toISOString(),
    ],
  );
}

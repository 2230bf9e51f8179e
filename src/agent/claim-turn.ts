// One turn at a time per conversation, and one turn per trigger: the claim is an AgentTurn row.
// The database holds both rules (a unique running row per conversation, a unique row per trigger),
// so the usual claim — nothing runs, the trigger is new — is one INSERT. Anything else (a dead turn
// to close, a failed one to run again, or a refusal to confirm) is decided under the conversation's
// advisory lock: a turn that has run longer than its budget counts as dead (its process crashed)
// and is closed as failed.
import type { Ctx } from "../context.ts";
import { withSqlTransaction } from "../db/with-transaction.ts";
import { newId } from "../lib/new-id.ts";
import { preparedName } from "../db/prepared-name.ts";

/** a turn older than this is taken to have died with its process */
export const TURN_BUDGET_MS = 90_000;

// the fast path: refused by either unique index (a running turn, dead or alive; a turn for this trigger)
const INSERT_SQL = `
INSERT INTO "AgentTurn" ("id", "businessId", "conversationId", "triggerMessageId", "status", "mode", "startedAt")
VALUES ($1, $2, $3, $4, 'running', $5, $6::timestamp)
ON CONFLICT DO NOTHING
RETURNING "id"`;

// under the lock, before CLAIM_SQL: a running turn past its budget died with its process
const CLOSE_DEAD_SQL = `
UPDATE "AgentTurn" SET "status" = 'failed', "error" = 'died with its process', "finishedAt" = $2::timestamp
WHERE "conversationId" = $1 AND "status" = 'running' AND "startedAt" <= $2::timestamp - $3 * interval '1 millisecond'`;

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
  ON CONFLICT DO NOTHING
  RETURNING "id"
)
SELECT "id" FROM revived UNION ALL SELECT "id" FROM made`;

export async function claimTurn(
  ctx: Ctx,
  c: { businessId: string; conversationId: string; triggerMessageId: string; mode: "llm" | "template" },
): Promise<string | undefined> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  // raw SQL throughout: the claim is on the reply's critical path. It commits without waiting for
  // the disk (on Postgres): a claim a Postgres crash loses was followed by no send (the reply's
  // claim-to-send commits synchronously before the provider call, and makes this one durable with
  // it), and the message it answers is still unanswered, so the agent sweep asks for the turn again.
  const values = [newId(), c.businessId, c.conversationId, c.triggerMessageId, c.mode, at];
  const [made] = ctx.sqlBatch.oneTrip
    ? ((await ctx.sqlBatch([{ text: INSERT_SQL, values, prepareAs: preparedName(INSERT_SQL) }], { relaxed: true }))[0] as { id: string }[])
    : await ctx.sql<{ id: string }>(INSERT_SQL, values, preparedName(INSERT_SQL));
  if (made) return made.id;
  // the lock is withAdvisoryLock's key for `agent:<id>`; a fast-path insert racing the revival of a
  // failed turn makes it a unique violation: run again, and the running turn refuses it
  return withSqlTransaction(
    ctx.sqlTx,
    async (sql) => {
      await sql(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text`, [`agent:${c.conversationId}`]);
      await sql(CLOSE_DEAD_SQL, [c.conversationId, at, TURN_BUDGET_MS]);
      const rows = await sql<{ id: string }>(CLAIM_SQL, [c.conversationId, c.triggerMessageId, c.businessId, at, c.mode, TURN_BUDGET_MS, newId()]);
      return rows[0]?.id;
    },
    { retryUniqueViolation: true },
  );
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

/**
 * Records how the turn ended. With `newerThan` (the trigger), the same statement also tells whether
 * a newer message (of the channels the agent answers) arrived meanwhile, which needs a turn of its own.
 */
export async function finishTurn(
  ctx: Ctx,
  turnId: string,
  r: TurnRecord,
  newerThan?: { conversationId: string; channels: readonly string[]; at: Date; id: string },
): Promise<{ newer: boolean }> {
  // raw SQL: every turn ends here, and the next text's turn may be waiting behind it
  const values = [
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
  ];
  const update = `UPDATE "AgentTurn" SET "status" = $2, "mode" = coalesce($3, "mode"), "model" = $4, "promptTokens" = $5, "completionTokens" = $6,
       "latencyMs" = $7, "toolCalls" = $8::jsonb, "guard" = $9::jsonb, "replyMessageId" = $10, "error" = $11, "finishedAt" = $12::timestamp
     WHERE "id" = $1`;
  if (!newerThan) {
    await ctx.sql(update, values, preparedName(update));
    return { newer: false };
  }
  const text = `WITH f AS (${update})
     SELECT EXISTS (SELECT 1 FROM "Message" WHERE "conversationId" = $13 AND "direction" = 'inbound' AND "channel" = ANY($14::text[])
       AND ("createdAt" > $15::timestamp OR ("createdAt" = $15::timestamp AND "id" > $16))) AS "newer"`;
  const [row] = await ctx.sql<{ newer: boolean }>(
    text,
    [...values, newerThan.conversationId, newerThan.channels, newerThan.at.toISOString(), newerThan.id],
    preparedName(text),
  );
  return { newer: row?.newer === true };
}

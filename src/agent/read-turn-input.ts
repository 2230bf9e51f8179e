// What a turn starts from, in one statement (a turn is on the reply's critical path): the
// conversation, its contact and what in it is unanswered; the last reply's time is a subquery, not
// a round trip of its own. Given the message that asked for the turn, the same statement claims the
// turn for it (see claim-turn.ts): read and claim are one round trip instead of two.
import type { Ctx } from "../context.ts";
import { preparedName } from "../db/prepared-name.ts";
import { newId } from "../lib/new-id.ts";
import type { TurnHint } from "../jobs/job-defs.ts";

export interface TurnInput {
  id: string;
  businessId: string;
  contactId: string;
  channel: string;
  status: string;
  handledBy: string;
  businessNumber: string | null;
  contact: { phone: string | null; name: string | null; zip: string | null; optedOutAt: Date | null };
  /** the inbound messages (of the channels asked for) since the last reply by the AI, a template or a person, oldest first */
  unanswered: { id: string; body: string; channel: string; createdAt: Date; providerId: string | null }[];
}

const inputSql = (claimed: string) => `
SELECT c."id", c."businessId", c."contactId", c."channel", c."status", c."handledBy", c."businessNumber",
       ct."phone", ct."name", ct."zip", ct."optedOutAt",
       coalesce((SELECT json_agg(json_build_object('id', m."id", 'body', m."body", 'channel', m."channel",
                  'atMs', (extract(epoch from m."createdAt") * 1000)::float8, 'providerId', m."providerId")
                  ORDER BY m."createdAt" ASC, m."id" ASC)
                 FROM "Message" m
                WHERE m."conversationId" = c."id" AND m."direction" = 'inbound' AND m."channel" = ANY($2::text[])
                  AND m."createdAt" > coalesce((SELECT max(r."createdAt") FROM "Message" r WHERE r."conversationId" = c."id"
                    AND r."direction" = 'outbound' AND r."author" IN ('ai', 'template', 'human')), '-infinity'::timestamp)), '[]') AS "unanswered"${claimed}
  FROM "Conversation" c JOIN "Contact" ct ON ct."id" = c."contactId"
 WHERE c."id" = $1`;

const TURN_INPUT_SQL = inputSql("");

// The claim rides along only when the turn would run for the hinted message: the conversation is the
// AI's, open, its homeowner reachable, and the message is its newest inbound one and unanswered.
// Refused by either unique index like claimTurn's own insert (a running turn, a turn for this
// trigger); the turn then claims the usual way. $3 turn id, $4 message, $5 mode, $6 now, $7 business.
const CLAIMING_SQL = `
WITH claim AS (
  INSERT INTO "AgentTurn" ("id", "businessId", "conversationId", "triggerMessageId", "status", "mode", "startedAt")
  SELECT $3, c."businessId", c."id", $4, 'running', $5, $6::timestamp
    FROM "Conversation" c JOIN "Contact" ct ON ct."id" = c."contactId"
   WHERE c."id" = $1 AND c."businessId" = $7 AND c."status" = 'open' AND c."handledBy" <> 'human'
     AND (c."channel" = 'webchat' OR ct."optedOutAt" IS NULL)
     AND $4 = (SELECT m."id" FROM "Message" m WHERE m."conversationId" = $1 AND m."direction" = 'inbound' AND m."channel" = ANY($2::text[])
                ORDER BY m."createdAt" DESC, m."id" DESC LIMIT 1)
     AND NOT EXISTS (SELECT 1 FROM "Message" r WHERE r."conversationId" = $1 AND r."direction" = 'outbound' AND r."author" IN ('ai', 'template', 'human')
                      AND r."createdAt" >= (SELECT "createdAt" FROM "Message" WHERE "id" = $4))
  ON CONFLICT DO NOTHING
  RETURNING "id"
)${inputSql(`,\n       (SELECT "id" FROM claim) AS "turnId"`)}`;

type Row = Omit<TurnInput, "contact" | "unanswered"> &
  TurnInput["contact"] & { unanswered: (Omit<TurnInput["unanswered"][number], "createdAt"> & { atMs: number })[]; turnId?: string | null };

/**
 * The turn's input; with `claim`, also the turn claimed for `claim.messageId` (`turnId`), when
 * the statement could claim it. The claim commits without waiting for the disk, as claimTurn's.
 */
export async function readTurnInput(
  ctx: Pick<Ctx, "sql" | "sqlBatch">,
  conversationId: string,
  channels: readonly string[],
  claim?: TurnHint & { mode: "llm" | "template"; at: Date },
): Promise<(TurnInput & { turnId?: string | undefined }) | undefined> {
  let r: Row | undefined;
  if (!claim) [r] = await ctx.sql<Row>(TURN_INPUT_SQL, [conversationId, channels], preparedName(TURN_INPUT_SQL));
  else {
    const values = [conversationId, channels, newId(), claim.messageId, claim.mode, claim.at.toISOString(), claim.businessId];
    const statement = { text: CLAIMING_SQL, values, prepareAs: preparedName(CLAIMING_SQL) };
    [r] = ctx.sqlBatch.oneTrip
      ? ((await ctx.sqlBatch([statement], { relaxed: true }))[0] as Row[])
      : await ctx.sql<Row>(statement.text, values, statement.prepareAs);
  }
  if (!r) return undefined;
  const { phone, name, zip, optedOutAt, unanswered, turnId, ...conversation } = r;
  return {
    ...conversation,
    contact: { phone, name, zip, optedOutAt },
    unanswered: unanswered.map(({ atMs, ...m }) => ({ ...m, createdAt: new Date(atMs) })),
    ...(turnId ? { turnId } : {}),
  };
}

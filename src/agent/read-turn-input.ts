// What a turn starts from, in one statement (a turn is on the reply's critical path): the
// conversation, its contact and what in it is unanswered; the last reply's time is a subquery, not
// a round trip of its own.
import type { Ctx } from "../context.ts";
import { preparedName } from "../db/prepared-name.ts";

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

const TURN_INPUT_SQL = `
SELECT c."id", c."businessId", c."contactId", c."channel", c."status", c."handledBy", c."businessNumber",
       ct."phone", ct."name", ct."zip", ct."optedOutAt",
       coalesce((SELECT json_agg(json_build_object('id', m."id", 'body', m."body", 'channel', m."channel",
                  'atMs', (extract(epoch from m."createdAt") * 1000)::float8, 'providerId', m."providerId")
                  ORDER BY m."createdAt" ASC, m."id" ASC)
                 FROM "Message" m
                WHERE m."conversationId" = c."id" AND m."direction" = 'inbound' AND m."channel" = ANY($2::text[])
                  AND m."createdAt" > coalesce((SELECT max(r."createdAt") FROM "Message" r WHERE r."conversationId" = c."id"
                    AND r."direction" = 'outbound' AND r."author" IN ('ai', 'template', 'human')), '-infinity'::timestamp)), '[]') AS "unanswered"
  FROM "Conversation" c JOIN "Contact" ct ON ct."id" = c."contactId"
 WHERE c."id" = $1`;

type Row = Omit<TurnInput, "contact" | "unanswered"> &
  TurnInput["contact"] & { unanswered: (Omit<TurnInput["unanswered"][number], "createdAt"> & { atMs: number })[] };

export async function readTurnInput(ctx: Pick<Ctx, "sql">, conversationId: string, channels: readonly string[]): Promise<TurnInput | undefined> {
  const [r] = await ctx.sql<Row>(TURN_INPUT_SQL, [conversationId, channels], preparedName(TURN_INPUT_SQL));
  if (!r) return undefined;
  const { phone, name, zip, optedOutAt, unanswered, ...conversation } = r;
  return {
    ...conversation,
    contact: { phone, name, zip, optedOutAt },
    unanswered: unanswered.map(({ atMs, ...m }) => ({ ...m, createdAt: new Date(atMs) })),
  };
}

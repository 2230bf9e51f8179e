// Two open threads turned out to be one homeowner's (two contacts merged, or a chat proven to be
// a known number): everything said, booked and run in `from` continues in `into`, which survives
// (its id is what open chat streams and Slack threads follow). The one place a conversation ends
// by folding into another.
import type { Prisma } from "../db/open-database.ts";
import type { Tx } from "../db/with-transaction.ts";
import { conversationTables, reassignRows } from "./reassign-rows.ts";

type ConversationRow = Awaited<ReturnType<Prisma["conversation"]["findFirstOrThrow"]>>;

/** Call inside the transaction that locked both contacts. */
export async function foldConversation(tx: Tx, from: ConversationRow, into: ConversationRow): Promise<void> {
  if (from.id === into.id) return;
  await reassignRows(conversationTables(tx), "conversationId", from.id, into.id);
  // slots offered in both threads: the surviving thread's offer stands (one row per service and start)
  await tx.$executeRaw`
    UPDATE "OfferedSlot" o SET "conversationId" = ${into.id}
    WHERE o."conversationId" = ${from.id}
      AND NOT EXISTS (SELECT 1 FROM "OfferedSlot" x WHERE x."conversationId" = ${into.id} AND x."serviceKey" = o."serviceKey" AND x."startAt" = o."startAt")`;
  await tx.offeredSlot.deleteMany({ where: { conversationId: from.id } });
  await tx.conversation.update({ where: { id: from.id }, data: { status: "merged" } });
  const last = [from.lastMessageAt, into.lastMessageAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
  await tx.conversation.update({
    where: { id: into.id },
    data: {
      lastMessageAt: last ?? null,
      acknowledgedAt: into.acknowledgedAt ?? from.acknowledgedAt,
      // the dispatcher's Slack thread carries on (the surviving thread's, else the folded one's)
      ...(into.slackThreadTs ? {} : { slackChannel: from.slackChannel, slackThreadTs: from.slackThreadTs }),
      // a person who took this homeowner over keeps them
      handledBy: from.handledBy === "human" || into.handledBy === "human" ? "human" : into.handledBy,
    },
  });
}

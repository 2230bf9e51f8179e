// Moves every row that points at one conversation (or contact) to another: the tables that hold
// a conversation's or a contact's life, listed once, so a fold or a merge cannot leave one behind
// (a contact's rows that were not moved would be deleted with it, or left pointing at nothing).
import type { Tx } from "../db/with-transaction.ts";

/** a Prisma model delegate, as far as moving rows needs it */
interface Movable {
  updateMany(args: { where: Record<string, string>; data: Record<string, string> }): Promise<unknown>;
}

const movable = (d: unknown) => d as Movable;

/** everything said, booked and run in a conversation (offered slots are folded apart: unique per conversation) */
export const conversationTables = (tx: Tx): Movable[] =>
  [tx.message, tx.call, tx.lead, tx.chatSession, tx.appointment, tx.enrollment, tx.agentTurn].map(movable);

/** everything that belongs to a contact */
export const contactTables = (tx: Tx): Movable[] =>
  [
    tx.conversation,
    tx.message,
    tx.call,
    tx.lead,
    tx.touch,
    tx.chatSession,
    tx.consent,
    tx.optOutEvent,
    tx.appointment,
    tx.enrollment,
    tx.reviewLink,
    tx.workEvent,
  ].map(movable);

export async function reassignRows(tables: Movable[], column: "conversationId" | "contactId", fromId: string, intoId: string): Promise<void> {
  for (const table of tables) await table.updateMany({ where: { [column]: fromId }, data: { [column]: intoId } });
}

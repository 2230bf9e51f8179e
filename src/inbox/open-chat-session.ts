// A website visitor opens a chat: an anonymous contact (no phone until they prove one), its own
// webchat conversation and the session, written together. The inbox opens them, like every other
// conversation; the chat routes only hold the token.
import type { TAttribution } from "../attribution/attribution-schema.ts";
import type { Prisma } from "../db/open-database.ts";
import { withTransaction } from "../db/with-transaction.ts";

export interface ChatSessionInput {
  businessId: string;
  /** the hash of the bearer token the visitor holds (the token itself is never stored) */
  tokenHash: string;
  origin: string | null;
  attribution: TAttribution;
  at: Date;
}

export async function openChatSession(prisma: Prisma, s: ChatSessionInput): Promise<{ id: string; conversationId: string }> {
  return withTransaction(prisma, async (tx) => {
    const contact = await tx.contact.create({ data: { businessId: s.businessId, createdAt: s.at } });
    const conversation = await tx.conversation.create({ data: { businessId: s.businessId, contactId: contact.id, channel: "webchat", createdAt: s.at } });
    return tx.chatSession.create({
      data: {
        businessId: s.businessId,
        contactId: contact.id,
        conversationId: conversation.id,
        tokenHash: s.tokenHash,
        origin: s.origin,
        attribution: s.attribution,
        createdAt: s.at,
        lastSeenAt: s.at,
      },
      select: { id: true, conversationId: true },
    });
  });
}

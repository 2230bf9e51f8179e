// "Text me instead", the proof: one transaction under the session's lock claims the try, compares
// the code against the pending number's code hash, and joins against exactly the number and hash
// it compared (joinChatToPhoneTx's compare-and-swap). Asking for a new number takes the same lock
// and replaces the number and the hash at once, so a code is only ever good for the number it
// was texted to: no interleaving of "check" and "join" is left for a second request to slip into.
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { withAdvisoryLock } from "../../db/with-advisory-lock.ts";
import { withTransaction } from "../../db/with-transaction.ts";
import { MAX_PROOF_ATTEMPTS, invitedAt, proofCodeMatches } from "./chat-phone-proof.ts";
import { announceChatJoined, joinChatToPhoneTx } from "./join-chat-to-phone.ts";

export type PhoneProof =
  /** typed into the chat: each try counts against the code's five */
  | { via: "chat"; code: string }
  /** texted back by `phone` at `at` (only the number's owner can do that): tries are not counted */
  | { via: "sms"; phone: string; code: string; at: Date };

export type ProofOutcome =
  | { kind: "joined"; phone: string; conversationId: string; contactId: string }
  | { kind: "wrong"; left: number }
  | { kind: "locked" }
  | { kind: "expired" }
  | { kind: "not-pending" }
  | { kind: "opted-out" };

interface SessionRow {
  id: string;
  contactId: string;
  conversationId: string;
  pendingPhone: string | null;
  proofCodeHash: string | null;
  proofExpiresAt: Date | null;
  proofAttempts: number;
  pendingConsentText: string | null;
  phoneVerifiedAt: Date | null;
}

export async function proveChatPhone(ctx: Ctx, business: BusinessRef, sessionId: string, proof: PhoneProof): Promise<ProofOutcome> {
  const now = ctx.clock.now();
  const outcome = await withTransaction(
    ctx.prisma,
    async (tx): Promise<ProofOutcome> => {
      await withAdvisoryLock(tx, `chat-session:${sessionId}`);
      // FOR UPDATE as well: a writer that does not take the advisory lock (a STOP voiding every
      // invitation to a number) waits for this transaction rather than interleave with it
      const [s] = await tx.$queryRaw<SessionRow[]>`
        SELECT "id", "contactId", "conversationId", "pendingPhone", "proofCodeHash", "proofExpiresAt", "proofAttempts",
               "pendingConsentText", "phoneVerifiedAt"
        FROM "ChatSession" WHERE "id" = ${sessionId} AND "businessId" = ${business.id} FOR UPDATE`;
      if (!s) return { kind: "not-pending" };
      if (s.phoneVerifiedAt && s.pendingPhone) {
        // proven before: the chat's own answer again (a retried request), nothing new is joined
        return proof.via === "chat"
          ? { kind: "joined", phone: s.pendingPhone, conversationId: s.conversationId, contactId: s.contactId }
          : { kind: "not-pending" };
      }
      const at = proof.via === "sms" ? proof.at : now;
      if (!s.pendingPhone || !s.proofCodeHash || !s.proofExpiresAt) {
        return s.proofAttempts >= MAX_PROOF_ATTEMPTS && s.pendingPhone ? { kind: "locked" } : { kind: "not-pending" };
      }
      if (s.proofExpiresAt <= at) return { kind: "expired" };
      const phone = s.pendingPhone;
      const codeHash = s.proofCodeHash;

      if (proof.via === "sms") {
        // a text from another number, or sent before this invitation went out, answers nothing
        if (proof.phone !== phone || invitedAt(s.proofExpiresAt) > at) return { kind: "not-pending" };
        if (!proofCodeMatches(s.id, phone, proof.code, codeHash)) return { kind: "not-pending" };
      } else {
        if (s.proofAttempts >= MAX_PROOF_ATTEMPTS) return { kind: "locked" };
        const attempts = s.proofAttempts + 1;
        const matches = proofCodeMatches(s.id, phone, proof.code, codeHash);
        if (!matches) {
          // the try is spent (committed with this transaction); the fifth wrong one locks the code
          await tx.chatSession.update({
            where: { id: s.id },
            data: { proofAttempts: attempts, ...(attempts >= MAX_PROOF_ATTEMPTS ? { proofCodeHash: null } : {}) },
          });
          return attempts >= MAX_PROOF_ATTEMPTS ? { kind: "locked" } : { kind: "wrong", left: MAX_PROOF_ATTEMPTS - attempts };
        }
        await tx.chatSession.update({ where: { id: s.id }, data: { proofAttempts: attempts } });
      }
      const joined = await joinChatToPhoneTx(
        tx,
        business,
        { sessionId: s.id, contactId: s.contactId, conversationId: s.conversationId, pendingConsentText: s.pendingConsentText, phone, codeHash },
        now,
      );
      return joined.kind === "joined" ? { kind: "joined", phone, conversationId: joined.conversationId, contactId: joined.contactId } : joined;
    },
    { retryUniqueViolation: true, timeoutMs: 15_000 },
  );
  if (outcome.kind === "joined") await announceChatJoined(ctx, business, sessionId, outcome);
  return outcome;
}

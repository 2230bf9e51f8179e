// "Text me instead", proof by code: the visitor types back the code texted to the number. Each try
// is claimed with a conditional update before the comparison (so parallel guesses cannot exceed the
// limit); the fifth wrong one locks the code, and only a new invitation brings a new one.
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { AppError } from "../../lib/errors.ts";
import { MAX_PROOF_ATTEMPTS, phoneTail, proofCodeMatches } from "./chat-phone-proof.ts";
import { joinChatToPhone } from "./join-chat-to-phone.ts";

export async function verifyChatPhoneCode(ctx: Ctx, business: BusinessRef, sessionId: string, code: string): Promise<{ status: "joined"; phone: string }> {
  const now = ctx.clock.now();
  // this try's number comes back from the claim itself (row-locked), so parallel guesses each get their own
  const [claimed] = await ctx.prisma.$queryRaw<{ proofAttempts: number; proofCodeHash: string | null }[]>`
    UPDATE "ChatSession" SET "proofAttempts" = "proofAttempts" + 1
    WHERE "id" = ${sessionId} AND "phoneVerifiedAt" IS NULL AND "proofCodeHash" IS NOT NULL
      AND "proofExpiresAt" > ${now} AND "proofAttempts" < ${MAX_PROOF_ATTEMPTS}
    RETURNING "proofAttempts", "proofCodeHash"`;
  if (!claimed) {
    const s = await ctx.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    if (s.phoneVerifiedAt && s.pendingPhone) return { status: "joined", phone: phoneTail(s.pendingPhone) };
    if (s.proofAttempts >= MAX_PROOF_ATTEMPTS) throw locked();
    if (s.proofCodeHash && s.proofExpiresAt && s.proofExpiresAt <= now) throw new AppError("conflict", "that code has expired; ask for a new text");
    throw new AppError("conflict", "no code is waiting for this chat; ask for a text first");
  }
  if (!proofCodeMatches(sessionId, code, claimed.proofCodeHash)) {
    const left = MAX_PROOF_ATTEMPTS - claimed.proofAttempts;
    if (left > 0) throw new AppError("bad_request", `code: that is not the code we texted (${left} ${left === 1 ? "try" : "tries"} left)`);
    // locked: neither this code nor a reply to its text can join the chat any more
    await ctx.prisma.chatSession.updateMany({ where: { id: sessionId, phoneVerifiedAt: null }, data: { proofCodeHash: null } });
    throw locked();
  }
  const joined = await joinChatToPhone(ctx, business, sessionId, now);
  if (joined.kind === "joined") return { status: "joined", phone: phoneTail(joined.phone) };
  if (joined.kind === "opted-out") {
    throw new AppError(
      "conflict",
      `this number opted out of texts from ${business.profile.name}; text START to ${business.profile.phoneNumbers[0] ?? "our number"} to opt back in`,
    );
  }
  throw new AppError("conflict", "no code is waiting for this chat; ask for a text first");
}

function locked(): AppError {
  return new AppError("too_many", "too many wrong codes; ask for a new text");
}

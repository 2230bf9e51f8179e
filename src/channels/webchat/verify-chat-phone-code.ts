// "Text me instead", proof by code typed into the chat: the answer the visitor sees for each outcome
// of proveChatPhone (which claims the try, compares and joins in one step).
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import { AppError } from "../../lib/errors.ts";
import { phoneTail } from "./chat-phone-proof.ts";
import { proveChatPhone } from "./prove-chat-phone.ts";

export async function verifyChatPhoneCode(ctx: Ctx, business: BusinessRef, sessionId: string, code: string): Promise<{ status: "joined"; phone: string }> {
  const r = await proveChatPhone(ctx, business, sessionId, { via: "chat", code });
  switch (r.kind) {
    case "joined":
      return { status: "joined", phone: phoneTail(r.phone) };
    case "wrong":
      throw new AppError("bad_request", `code: that is not the code we texted (${r.left} ${r.left === 1 ? "try" : "tries"} left)`);
    case "locked":
      throw new AppError("too_many", "too many wrong codes; ask for a new text");
    case "expired":
      throw new AppError("conflict", "that code has expired; ask for a new text");
    case "opted-out":
      // only someone who holds the code gets here: the number's owner, who texted STOP since
      throw new AppError(
        "conflict",
        `this number opted out of texts from ${business.profile.name}; text START to ${business.profile.phoneNumbers[0] ?? "our number"} to opt back in`,
      );
    case "not-pending":
      throw new AppError("conflict", "no code is waiting for this chat; ask for a text first");
  }
}

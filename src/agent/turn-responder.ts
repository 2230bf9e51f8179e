// A responder answers a turn before the model does (a reminder's "C", a complaint after a review
// request). The turn asks the emergency check first, then each registered responder in order,
// then the model or the template flow; features register theirs where workers start, so the
// agent never imports them.
import type { Ctx } from "../context.ts";
import type { ReplyTarget } from "./send-agent-reply.ts";

export type TurnAnswer =
  | { kind: "none" }
  /** answered here: the turn is over */
  | { kind: "answered"; status: "replied" | "handed-off"; replyMessageId?: string | undefined }
  /** the model (or the next responder) answers, with this note about what the homeowner means */
  | { kind: "note"; note: string };

export type TurnResponder = (ctx: Ctx, target: ReplyTarget, text: string, useModel: boolean) => Promise<TurnAnswer>;

// The `agent-turn` job: one turn answers every inbound message since the last one, in order.
// Skipped when a person handles the conversation or the homeowner opted out. An emergency gets
// the safety message and a person; then each registered responder may answer (or add a note);
// otherwise the model (with tools and the reply guard) or, with no model or a failing one, the
// template flow. A reply that a newer message would make stale is
// not sent: the turn gives way to the next one, which sees everything.
import type { Ctx } from "../context.ts";
import { raiseAlert } from "../alerts/raise-alert.ts";
import { classifyKeyword } from "../inbox/classify-keyword.ts";
import { claimTurn, finishTurn, type TurnRecord } from "./claim-turn.ts";
import { converseWithModel, readModelInput } from "./converse-with-model.ts";
import { detectEmergency } from "./detect-emergency.ts";
import { handleEmergency } from "./handle-emergency.ts";
import { LlmError } from "./llm/llm-provider.ts";
import { PromptError } from "./prompts/load-prompt.ts";
import { replyWithTemplate } from "./reply-with-template.ts";
import { requestAgentTurn } from "./request-agent-turn.ts";
import { boundInboundText } from "./bound-inbound-text.ts";
import { readTurnInput } from "./read-turn-input.ts";
import type { TurnHint } from "../jobs/job-defs.ts";
import type { BusinessRef } from "../business/business-directory.ts";
import type { ReplyTarget } from "./send-agent-reply.ts";
import type { TurnResponder } from "./turn-responder.ts";

/** inbound channels the agent answers (a missed-call entry is answered by the text-back; form leads by speed to lead) */
export const AGENT_CHANNELS = ["sms", "mms", "webchat", "voice"];

export type TurnOutcome = TurnRecord["status"] | "not-needed";

/**
 * `hint`: the message that asked for the turn, its business and contact (an inbound job that just
 * stored it). The turn then claims in its first statement, and reads the prompt and the facts
 * beside it: one wait on the database before the model instead of two.
 */
export async function runAgentTurn(ctx: Ctx, conversationId: string, responders: readonly TurnResponder[] = [], hint?: TurnHint): Promise<TurnOutcome> {
  const hinted = hint ? await ctx.directory.byId(hint.businessId) : undefined;
  const early = hint && hinted ? startHinted(ctx, conversationId, hint, hinted) : undefined;
  const conv = early ? await early.read : await readTurnInput(ctx, conversationId, AGENT_CHANNELS);
  const claimed = conv?.turnId;
  // what was read beside the claim was of this conversation's business and contact (a merge may have moved it)
  const asHinted = conv !== undefined && conv.businessId === hint?.businessId && conv.contactId === hint.contactId;
  const business = asHinted ? hinted : conv && (await ctx.directory.byId(conv.businessId));
  const unanswered = conv?.unanswered.filter((m) => answerable(m)) ?? [];
  const trigger = unanswered.at(-1);
  const runs = conv && business && conv.status === "open" && conv.handledBy !== "human" && (conv.channel === "webchat" || !conv.contact.optedOutAt);
  if (claimed && (!runs || trigger?.id !== hint?.messageId)) {
    // the hinted message is not one the agent answers after all (its asker misjudged it): the claim
    // is given back, and whatever else is unanswered is claimed the usual way below. A message that
    // came meanwhile was refused a turn by this claim: it gets one.
    const asked = conv?.unanswered.find((m) => m.id === hint?.messageId);
    const release = { status: "skipped" as const, error: "the message that asked for the turn is not one to answer" };
    const { newer } = await finishTurn(ctx, claimed, release, asked && { conversationId, channels: AGENT_CHANNELS, at: asked.createdAt, id: asked.id });
    if (newer) await requestAgentTurn(ctx, conversationId, 0);
  }
  if (!conv || !business || !runs || !trigger) return "not-needed";

  // the homeowner is answered within the deadline whatever the model does (wall time: a timer, not business time)
  const deadline = AbortSignal.timeout(business.profile.ai.replyDeadlineSeconds * 1000);
  const useModel = modelOn(ctx, business);
  const target: ReplyTarget = { business, conversation: conv, contact: conv.contact, replyToAt: trigger.createdAt };
  // bounded: a burst of long texts must not make the classifiers or the model read without end
  const text = boundInboundText(unanswered.map((m) => m.body).join("\n"));
  // what the model will read is read while the turn is claimed (a refused claim wastes one read)
  const input = useModel ? (asHinted && early?.input) || readModelInput(ctx, target, ctx.clock.now(), text) : undefined;
  input?.catch(() => undefined); // a failure is the model path's to report, if it is taken
  const turnId =
    claimed && trigger.id === hint?.messageId
      ? claimed
      : await claimTurn(ctx, { businessId: business.id, conversationId, triggerMessageId: trigger.id, mode: useModel ? "llm" : "template" });
  if (!turnId) return "not-needed";
  let record: TurnRecord = { status: "failed" };
  try {
    const emergency = detectEmergency(text, business.profile.ai.emergencyPhrases);
    const asked = emergency ? undefined : await askResponders(ctx, responders, target, text, useModel);
    if (emergency) {
      record = { status: "handed-off", ...(await handleEmergency(ctx, target, emergency, trigger.id)) };
    } else if (asked?.kind === "answered") {
      record = { status: asked.status, mode: "template", replyMessageId: asked.replyMessageId };
    } else if (!useModel || !ctx.llm) {
      record = { status: "replied", mode: "template", ...(await replyWithTemplate(ctx, target, text)) };
    } else {
      record = await converseWithModel(ctx, ctx.llm, target, {
        inboundText: asked?.notes.length ? [text, ...asked.notes].join("\n") : text,
        triggerId: trigger.id,
        isStale: () => newerThan(ctx, conversationId, trigger.createdAt, trigger.id),
        staleAfter: { at: trigger.createdAt, id: trigger.id, channels: AGENT_CHANNELS },
        deadline,
        ...(input ? { input } : {}),
      });
    }
  } catch (e) {
    if (!(e instanceof LlmError) && !(e instanceof PromptError)) {
      await finishTurn(ctx, turnId, { status: "failed", error: (e as Error).message });
      throw e; // the job retries; a failed turn may be claimed again
    }
    // the model is down, slow or talking nonsense (or the owner's prompt file is broken): the
    // homeowner still gets an answer
    const why =
      e instanceof LlmError
        ? deadline.aborted
          ? `The AI model did not answer within ${business.profile.ai.replyDeadlineSeconds} s`
          : `The AI model failed (${e.kind})`
        : `The prompt file is broken (${e.message})`;
    const fallback = await replyWithTemplate(ctx, target, text);
    await raiseAlert(ctx, {
      businessId: business.id,
      kind: "ai-failure",
      message: `${why}; answered with the template flow.`,
      subject: conversationId,
      dedupeKey: `ai-failure-${trigger.id}`,
    });
    record = { status: "replied", mode: "template", error: why, ...fallback };
  }
  // the record and the look for a newer message: one statement
  const { newer } = await finishTurn(ctx, turnId, record, { conversationId, channels: AGENT_CHANNELS, at: trigger.createdAt, id: trigger.id });
  if (newer) await requestAgentTurn(ctx, conversationId, 0);
  return record.status;
}

function modelOn(ctx: Ctx, business: BusinessRef): boolean {
  return Boolean(ctx.llm) && business.profile.ai.enabled;
}

/** The hinted turn's first statement (read and claim) and, with a model, the prompt and facts beside it. */
function startHinted(ctx: Ctx, conversationId: string, hint: TurnHint, business: BusinessRef) {
  const useModel = modelOn(ctx, business);
  const at = ctx.clock.now();
  // the facts' own view of the homeowner's words is replaced by the turn's (converseWithModel)
  const input = useModel ? readModelInput(ctx, { business, conversation: { id: conversationId, contactId: hint.contactId } }, at, "") : undefined;
  input?.catch(() => undefined);
  return { read: readTurnInput(ctx, conversationId, AGENT_CHANNELS, { ...hint, mode: useModel ? "llm" : "template", at }), input };
}

/** The first responder that answers ends the turn; notes from the others go to the model. */
async function askResponders(
  ctx: Ctx,
  responders: readonly TurnResponder[],
  target: ReplyTarget,
  text: string,
  useModel: boolean,
): Promise<{ kind: "answered"; status: "replied" | "handed-off"; replyMessageId?: string | undefined } | { kind: "pass"; notes: string[] }> {
  const notes: string[] = [];
  for (const respond of responders) {
    const answer = await respond(ctx, target, text, useModel);
    if (answer.kind === "answered") return answer;
    if (answer.kind === "note") notes.push(answer.note);
  }
  return { kind: "pass", notes };
}

/** STOP/START/HELP and plain-language opt-outs have their own flow; a voice entry only once it has a transcript. */
function answerable(m: { body: string; channel: string; providerId: string | null }): boolean {
  if (m.channel === "voice") return m.body.startsWith('Voicemail: "');
  return classifyKeyword(m.body) === undefined;
}

async function newerThan(ctx: Ctx, conversationId: string, at: Date, id: string): Promise<boolean> {
  const [r] = await ctx.sql<{ newer: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM "Message" WHERE "conversationId" = $1 AND "direction" = 'inbound' AND "channel" = ANY($2::text[])
       AND ("createdAt" > $3::timestamp OR ("createdAt" = $3::timestamp AND "id" > $4))) AS "newer"`,
    [conversationId, AGENT_CHANNELS, at.toISOString(), id],
  );
  return r?.newer === true;
}

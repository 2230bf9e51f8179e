// A ConversationRelay call's first frame: the business (the number called), the call's row with
// the caller's contact and open conversation (the one their texts use), what the agent knows of
// them, and the business's published prompt (the console's, else its file) with its tools.
import type { BusinessRef } from "../business/business-directory.ts";
import type { Ctx } from "../context.ts";
import { buildModelMessages, loadConversationFacts, type ConversationFacts } from "../agent/build-model-messages.ts";
import type { LlmMessage } from "../agent/llm/llm-provider.ts";
import type { PromptFile } from "../agent/prompts/load-prompt.ts";
import { publishedPrompt } from "../agent/prompts/published-prompt.ts";
import { promptVariables, renderPrompt } from "../agent/prompts/render-prompt.ts";
import type { ReplyTarget } from "../agent/send-agent-reply.ts";
import { toolsFor, type ReadyTool } from "../agent/tools/agent-tools.ts";
import { findOrRecordCall } from "../channels/twilio/handle-call.ts";
import type { TRelaySetup } from "./relay-frames.ts";

export interface VoiceSession {
  business: BusinessRef;
  callSid: string;
  callId: string;
  target: ReplyTarget;
  history: LlmMessage[];
  /** the business's prompt (rendered), its tools, read once a call */
  agent: { prompt: PromptFile; system: string; tools: ReadyTool[] } | undefined;
  facts: ConversationFacts;
  /** this call's turns, as the model sees them */
  transcript: LlmMessage[];
  utterances: number;
  turns: number;
  promptTokens: number;
  completionTokens: number;
  outcome?: "handoff" | "hangup";
}

/** undefined: no business has the number called */
export async function openVoiceSession(ctx: Ctx, f: TRelaySetup): Promise<VoiceSession | undefined> {
  const business = await ctx.directory.byNumber(f.to);
  if (!business) {
    ctx.log.warn({ to: f.to }, "relay call to a number no business has");
    return undefined;
  }
  const call = await findOrRecordCall(ctx, business, { callSid: f.callSid, from: f.from, to: f.to, at: ctx.clock.now() });
  const conv = await ctx.prisma.conversation.findUniqueOrThrow({ where: { id: call.conversationId! }, include: { contact: true } });
  const target: ReplyTarget = { business, conversation: conv, contact: conv.contact, replyToAt: ctx.clock.now() };
  // the greeting said who is speaking: no "first message" rule on a call
  const facts = { ...(await loadConversationFacts(ctx, target, ctx.clock.now(), "")), firstAiMessage: false };
  const before = buildModelMessages(target, "", facts, { name: conv.contact.name, zip: conv.contact.zip });
  let agent: VoiceSession["agent"];
  try {
    // the prompt the owner published from the console applies to calls as it does to texts
    const { prompt } = await publishedPrompt(ctx.sql, business);
    agent = { prompt, system: renderPrompt(prompt, promptVariables(business.profile, ctx.clock.now())), tools: toolsFor(prompt.frontMatter.tools) };
  } catch (e) {
    // a broken prompt file: the caller is handed to a person at their first words
    ctx.log.error({ err: (e as Error).message, businessId: business.id }, "voice agent without a prompt");
  }
  return {
    business,
    callSid: f.callSid,
    callId: call.id,
    target,
    history: before.slice(2),
    agent,
    facts,
    transcript: [],
    utterances: 0,
    turns: 0,
    promptTokens: 0,
    completionTokens: 0,
  };
}

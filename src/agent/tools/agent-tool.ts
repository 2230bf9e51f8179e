// A tool the model may call. Arguments are checked with zod before anything runs; the scope (which
// business, conversation and contact) comes from the turn, never from the model, so a tool can
// never reach another business's or another contact's data.
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import type { BusinessRef } from "../../business/business-directory.ts";
import type { LlmTool } from "../llm/llm-provider.ts";

export interface ToolScope {
  business: BusinessRef;
  conversationId: string;
  contactId: string;
  /** the turn's time (the one clock) */
  now: Date;
  /** on a phone call: the call's session hands the caller over and raises the one alert, with the call's summary */
  onCall?: boolean;
}

export interface AgentTool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: S;
  run(ctx: Ctx, scope: ToolScope, args: z.infer<S>): Promise<Record<string, unknown>>;
}

export function defineTool<S extends z.ZodType>(t: AgentTool<S>): AgentTool<S> {
  return t;
}

// generated once per tool: the conversion walks the whole schema, and every turn asks for it
const generated = new WeakMap<AgentTool, LlmTool>();

/** The JSON schema the model sees, generated from the same zod schema that checks its call. */
export function toLlmTool(t: AgentTool): LlmTool {
  let tool = generated.get(t);
  if (!tool) {
    const { $schema: _, ...parameters } = z.toJSONSchema(t.schema) as Record<string, unknown>;
    tool = { name: t.name, description: t.description, parameters };
    generated.set(t, tool);
  }
  return tool;
}

// The agent's tools, by name (CONTRACT.md): checked, scoped, run.
import type { Ctx } from "../../context.ts";
import type { LlmToolCall } from "../llm/llm-provider.ts";
import { toLlmTool, type AgentTool, type ToolScope } from "./agent-tool.ts";
import { bookAppointmentTool } from "./book-appointment-tool.ts";
import { cancelAppointmentTool } from "./cancel-appointment-tool.ts";
import { checkServiceArea } from "./check-service-area.ts";
import { findSlotsTool } from "./find-slots-tool.ts";
import { handoffToHuman } from "./handoff-to-human.ts";
import { rescheduleAppointmentTool } from "./reschedule-appointment-tool.ts";
import { updateLead } from "./update-lead.ts";

export const AGENT_TOOLS: AgentTool[] = [
  checkServiceArea,
  findSlotsTool,
  bookAppointmentTool,
  rescheduleAppointmentTool,
  cancelAppointmentTool,
  updateLead,
  handoffToHuman,
] as AgentTool[];
export const TOOL_NAMES = AGENT_TOOLS.map((t) => t.name);

export interface ReadyTool {
  tool: AgentTool;
  llm: ReturnType<typeof toLlmTool>;
}

/** The tools a prompt names (all of them when it names none). */
export function toolsFor(names: string[] | undefined): ReadyTool[] {
  const chosen = names?.length ? AGENT_TOOLS.filter((t) => names.includes(t.name)) : AGENT_TOOLS;
  return chosen.map((tool) => ({ tool, llm: toLlmTool(tool) }));
}

/** A model's tool call: an unknown tool or arguments that fail validation go back to the model as an error, and nothing is written. */
export async function runToolCall(ctx: Ctx, scope: ToolScope, tools: ReadyTool[], call: LlmToolCall): Promise<Record<string, unknown>> {
  const t = tools.find((x) => x.tool.name === call.name);
  if (!t) return { ok: false, error: `no tool named ${call.name}` };
  let raw: unknown;
  try {
    raw = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch {
    return { ok: false, error: "arguments are not valid JSON" };
  }
  const parsed = t.tool.schema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, error: `invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`).join("; ")}` };
  try {
    const result = await t.tool.run(ctx, scope, parsed.data);
    return { ok: !("error" in result), ...result };
  } catch (e) {
    ctx.log.warn({ tool: call.name, err: (e as Error).message }, "tool failed");
    return { ok: false, error: "the tool failed; try again or hand off to a person" };
  }
}

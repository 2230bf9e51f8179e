// Runs one eval in a business of its own (unique slug and number) on the replay's database: the
// appointments already on the books, then each homeowner line and one agent turn, on a clock that
// starts at the eval's `now`. The model is the real one, the script, or none (template mode).
import type { TProfile } from "../config/profile-schema.ts";
import { applyBusinessProfile } from "../business/apply-business-profile.ts";
import type { Ctx } from "../context.ts";
import { resolveContact } from "../inbox/resolve-contact.ts";
import { bookAppointment } from "../scheduling/book-appointment.ts";
import type { LlmProvider, LlmRequest } from "../agent/llm/llm-provider.ts";
import { ScriptedProvider, type ScriptStep } from "../agent/llm/scripted-provider.ts";
import type { TScriptStep } from "./eval-schema.ts";
import type { LoadedEval } from "./load-evals.ts";
import { createReplayClock } from "./replay-clock.ts";
import { openSandbox, sayAndAnswer, type TurnView } from "./sandbox-turn.ts";

export type EvalMode = "model" | "scripted" | "template";

export interface Transcript {
  mode: EvalMode;
  profile: TProfile;
  lines: string[];
  turns: TurnView[];
  appointments: { status: string; conversationId: string | null; replacesId: string | null }[];
  handedOff: boolean;
  /** what went wrong around the conversation (setup, a turn that threw, a script that does not fit) */
  problems: string[];
}

const LINE_GAP_MS = 60_000;
const DAY_MS = 24 * 3600_000;
const pad = (n: number) => String(n % 10_000).padStart(4, "0");

/**
 * `realModel`: the provider to use for `model: auto` evals (undefined: run their script).
 * `promptFile`: the system prompt every eval's business uses instead of its own (a console draft).
 */
export async function runEval(
  base: Ctx,
  le: LoadedEval,
  index: number,
  runId: string,
  realModel: LlmProvider | undefined,
  promptFile?: string,
): Promise<Transcript> {
  const e = le.eval;
  const clock = createReplayClock(e.now);
  const mode: EvalMode = e.model === "template" ? "template" : e.model === "auto" && realModel ? "model" : e.script ? "scripted" : "template";
  const scripted = mode === "scripted" ? new ScriptedProvider() : undefined;
  const llm = mode === "model" ? realModel : scripted;
  const ctx: Ctx = { ...base, clock, llm };
  const problems: string[] = [];

  const profile: TProfile = {
    ...le.profile,
    slug: `eval-${runId}-${index}`,
    phoneNumbers: [`+1555556${pad(index)}`],
    numberSources: {},
    ...(promptFile ? { ai: { ...le.profile.ai, prompt: promptFile } } : {}),
  };
  const { id } = await applyBusinessProfile(ctx.prisma, profile, clock);
  ctx.directory.invalidate();
  const business = await ctx.directory.byId(id);
  if (!business) throw new Error(`business ${profile.slug} did not load`);

  const sb = await openSandbox(ctx, business, {
    ...(e.channel === "sms" ? { phone: `+1212555${pad(index)}` } : {}),
    name: "Eval Homeowner",
    source: "eval",
  });
  for (const [i, b] of e.busy.entries()) {
    const contactId = b.mine
      ? sb.contactId
      : (await resolveContact(ctx.prisma, { businessId: id, phone: `+1917555${pad(i)}`, name: "Another Customer" }, clock.now())).id;
    // booked a day before its start, so the business's notice and horizon rules hold as they did then
    const startAt = new Date(Date.parse(b.start));
    const r = await bookAppointment(
      { ...ctx, clock: { now: () => new Date(startAt.getTime() - DAY_MS) } },
      {
        businessId: id,
        contactId,
        serviceKey: b.service,
        startAt,
        address: b.address ?? (b.mine ? "12 Elm St" : "88 Other Ave"),
      },
    );
    if (r.kind !== "booked") problems.push(`busy[${i}] (${b.start}) could not be booked: ${r.kind === "invalid" ? r.reason : r.kind}`);
  }

  const turns: TurnView[] = [];
  for (const [k, line] of e.turns.entries()) {
    clock.advance(LINE_GAP_MS);
    if (scripted) {
      scripted.reset();
      scripted.say(...(e.script?.[k] ?? []).map((s) => withSlots(ctx, sb, s)));
    }
    const view = await sayAndAnswer(ctx, sb, line, `replay:${runId}:${index}:${k}`);
    turns.push(view);
    if (view.outcome === "error") problems.push(`turn ${k + 1} failed: ${view.error ?? "unknown error"}`);
    if (scripted?.remaining)
      problems.push(`turn ${k + 1}: ${scripted.remaining} script step(s) not used (the code did not call the model as the script expects)`);
  }

  const [appointments, conv] = await Promise.all([
    ctx.prisma.appointment.findMany({
      where: { businessId: id, contactId: sb.contactId },
      orderBy: { createdAt: "asc" },
      select: { status: true, conversationId: true, replacesId: true },
    }),
    sb.conversationId ? ctx.prisma.conversation.findUnique({ where: { id: sb.conversationId }, select: { handledBy: true } }) : null,
  ]);
  return { mode, profile, lines: e.turns, turns, appointments, handedOff: conv?.handledBy === "human", problems };
}

const PLACEHOLDER_RE = /\$(slot|label)(\d+)/g;
const HAS_PLACEHOLDER = /\$(?:slot|label)\d/;

/** A step whose `$slotN`/`$labelN` become the Nth slot of the latest find_slots result, when the model is called. */
function withSlots(ctx: Ctx, sb: { conversationId: string | undefined }, step: TScriptStep): ScriptStep | ((req: LlmRequest) => Promise<ScriptStep>) {
  const text = JSON.stringify(step);
  if (!HAS_PLACEHOLDER.test(text)) return step as ScriptStep;
  return async (req) => {
    const slots = slotsInRequest(req) ?? (await slotsFromEarlierTurns(ctx, sb.conversationId));
    const filled = text.replace(PLACEHOLDER_RE, (whole, kind: string, n: string) => {
      const s = slots?.[Number(n)];
      return s ? (kind === "slot" ? s.start : s.label) : whole;
    });
    return JSON.parse(filled) as ScriptStep;
  };
}

interface SlotView {
  start: string;
  label: string;
}

function slotsOf(result: unknown): SlotView[] | undefined {
  const slots = (result as { slots?: unknown } | null)?.slots;
  return Array.isArray(slots) && slots.length ? (slots as SlotView[]) : undefined;
}

/** this turn's latest find_slots result, from the tool messages sent to the model */
function slotsInRequest(req: LlmRequest): SlotView[] | undefined {
  for (const m of [...req.messages].reverse()) {
    if (m.role !== "tool" || typeof m.content !== "string") continue;
    try {
      const slots = slotsOf(JSON.parse(m.content));
      if (slots) return slots;
    } catch {
      // not JSON: not a find_slots result
    }
  }
  return undefined;
}

/** an earlier turn's latest find_slots result, from its AgentTurn row */
async function slotsFromEarlierTurns(ctx: Ctx, conversationId: string | undefined): Promise<SlotView[] | undefined> {
  if (!conversationId) return undefined;
  const turns = await ctx.prisma.agentTurn.findMany({ where: { conversationId }, orderBy: { startedAt: "desc" }, select: { toolCalls: true } });
  for (const t of turns) {
    const calls = Array.isArray(t.toolCalls) ? (t.toolCalls as { name?: string; result?: unknown }[]) : [];
    for (const c of [...calls].reverse()) {
      const slots = c.name === "find_slots" ? slotsOf(c.result) : undefined;
      if (slots) return slots;
    }
  }
  return undefined;
}

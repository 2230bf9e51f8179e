// One evaluation conversation (prompts/evals/*.yaml): the business, the facts of the day, the
// homeowner's lines, the scripted model (for runs without a key) and what must happen.
import { z } from "zod";
import { TOOL_NAMES } from "../agent/tools/agent-tools.ts";

const ZIsoTime = z.iso.datetime({ offset: true, message: "must be an ISO time with its offset, like 2026-11-17T09:00:00-05:00" });

const ZToolCallStep = z.object({ name: z.string().min(1), arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).default({}) }).strict();

/** the step shapes of the scripted model (src/agent/llm/scripted-provider.ts) */
export const ZScriptStep = z.union([
  z.literal("hang"),
  z.literal("garbage"),
  z.object({ status: z.number().int().min(400).max(599) }).strict(),
  z.object({ tools: z.array(ZToolCallStep).min(1), content: z.string().optional() }).strict(),
  z.object({ content: z.string() }).strict(),
]);
export type TScriptStep = z.infer<typeof ZScriptStep>;

/** Plain names, or one-key maps for the expectations that take a value. */
export const FLAG_EXPECTATIONS = [
  "booked",
  "not-booked",
  "rescheduled",
  "cancelled",
  "handed-off",
  "not-handed-off",
  "no-price",
  "quoted",
  "asked-zip",
  "emergency",
  "template",
  "no-template",
  "replied",
  "disclosed",
  "spanish",
  "gsm7",
  "guard-blocked",
] as const;
export type FlagExpectation = (typeof FLAG_EXPECTATIONS)[number];

const ZTexts = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

export const ZExpectation = z.union([
  z.enum(FLAG_EXPECTATIONS),
  z.object({ "max-segments": z.number().int().min(1) }).strict(),
  z.object({ called: z.enum(TOOL_NAMES as [string, ...string[]]) }).strict(),
  z.object({ says: ZTexts }).strict(),
  z.object({ "never-says": ZTexts }).strict(),
]);
export type TExpectation = z.infer<typeof ZExpectation>;

export const ZEval = z
  .object({
    name: z.string().min(1).max(80),
    /** a whole profile, or `extends: default` (prompts/evals/_business.yaml) plus overrides; slug and numbers are the replay's */
    business: z.record(z.string(), z.unknown()).default({ extends: "default" }),
    /** the facts of the day: the replay's clock starts here and moves a minute per homeowner line */
    now: ZIsoTime,
    /** sms (default) or webchat */
    channel: z.enum(["sms", "webchat"]).default("sms"),
    /** auto: the real model with OPENAI_API_KEY, else the script; scripted: the script even with a key; template: no model */
    model: z.enum(["auto", "scripted", "template"]).default("auto"),
    /** appointments already on the books; `mine: true` is this homeowner's own visit (to move or cancel) */
    busy: z
      .array(z.object({ start: ZIsoTime, service: z.string().min(1), mine: z.boolean().default(false), address: z.string().min(3).optional() }).strict())
      .default([]),
    /** the homeowner's lines in order: each one inbound message, each followed by one agent turn */
    turns: z.array(z.string().min(1)).min(1),
    /** the scripted model's steps, one list per turn; `$slot0`/`$label0` (…N) are the latest find_slots result's Nth start/label */
    script: z.array(z.array(ZScriptStep)).optional(),
    expect: z.array(ZExpectation).min(1),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.script && e.script.length > e.turns.length) {
      ctx.addIssue({ code: "custom", path: ["script"], message: `has ${e.script.length} turns of steps for ${e.turns.length} homeowner lines` });
    }
  });
export type TEval = z.infer<typeof ZEval>;

/** how an expectation reads in the pass table */
export function describeExpectation(x: TExpectation): string {
  if (typeof x === "string") return x;
  const [k, v] = Object.entries(x)[0] ?? ["?", ""];
  return `${k}: ${Array.isArray(v) ? v.join(" | ") : String(v)}`;
}

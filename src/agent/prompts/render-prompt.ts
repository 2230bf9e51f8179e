// The prompt's {{variables}}, filled from the business profile and the turn's clock. Everything the
// model may state as fact comes from here (and from tool results): what is not written here, the
// prompt forbids it to say.
import { DateTime } from "luxon";
import type { TProfile } from "../../config/profile-schema.ts";
import { PLACEHOLDER, PromptError, type PromptFile } from "./load-prompt.ts";

/** What a prompt may use: promptVariables gives these, renderPrompt adds max_reply_chars from the front matter. */
export const PROMPT_VARIABLES = [
  "business",
  "persona",
  "timezone",
  "services",
  "service_area",
  "hours",
  "policies",
  "emergency_rules",
  "today",
  "max_reply_chars",
] as const;

/** Built in for every trade; the profile adds its own (ai.emergencyPhrases). */
export const BUILT_IN_EMERGENCIES = [
  "a gas smell or a hissing gas line",
  "a carbon monoxide (CO) alarm going off, or headache and dizziness near a furnace or heater",
  "flooding or water pouring from a burst pipe, water heater or ceiling",
  "sparking, smoke or a burning smell from wiring, an outlet, a panel or an appliance",
  "no heat while it is freezing outside, especially with babies, elderly or sick people at home",
  "sewage backing up into the home",
];

const DAYS = [
  ["mon", "Mon"],
  ["tue", "Tue"],
  ["wed", "Wed"],
  ["thu", "Thu"],
  ["fri", "Fri"],
  ["sat", "Sat"],
  ["sun", "Sun"],
] as const;

const money = (n: number) => `$${Number.isInteger(n) ? n : n.toFixed(2)}`;

function describePrice(price: { from: number; to?: number | undefined } | undefined): string {
  if (!price) return "no price: do not quote one, the technician prices it on site";
  if (price.to === undefined || price.to === price.from) return `from ${money(price.from)} (quote it only as "from ${money(price.from)}")`;
  return `${money(price.from)} to ${money(price.to)} (quote only this range)`;
}

function describeServices(p: TProfile): string {
  if (p.services.length === 0) return "- None listed. Take down what they need and hand off to a person (handoff_to_human).";
  return p.services
    .map((s) => {
      const also = s.aliases.length ? `; homeowners may say: ${s.aliases.join(", ")}` : "";
      return `- ${s.name} (key: ${s.key}; about ${s.durationMinutes} min): ${describePrice(s.price)}${also}`;
    })
    .join("\n");
}

function describeArea(p: TProfile): string {
  const zips = p.serviceArea?.zips ?? [];
  if (zips.length === 0) return "No ZIP list. Ask for the ZIP anyway and let check_service_area decide; never promise coverage yourself.";
  return `ZIP codes served: ${zips.join(", ")}. Anything else is outside the area (check_service_area decides).`;
}

function describeHours(p: TProfile, now: DateTime): string {
  const week = (hours: Partial<Record<(typeof DAYS)[number][0], string[]>>) =>
    DAYS.map(([k, label]) => `${label} ${hours[k]?.length ? hours[k].join(", ") : "closed"}`).join("; ");
  const lines = [`Office hours: ${week(p.hours)}.`];
  if (p.booking?.hours) lines.push(`Visits can be booked: ${week(p.booking.hours)}.`);
  const today = now.toISODate()!;
  const closed = (p.booking?.closedDates ?? []).filter((d) => d >= today).sort();
  if (closed.length) lines.push(`Closed on: ${closed.slice(0, 10).join(", ")}.`);
  lines.push("Outside these hours you still answer and book; a person replies during office hours.");
  return lines.join("\n");
}

function describePolicies(p: TProfile): string {
  const lines = p.policies.length
    ? p.policies.map((x) => `- ${x}`)
    : ["- None stated. Do not state any policy (warranty, fees, payment, discounts, cancellations): say the team will answer that."];
  if (p.ai.allowedPromises.length) lines.push(`- Words you may use because the business promises them: ${p.ai.allowedPromises.join(", ")}.`);
  return lines.join("\n");
}

function describeEmergencies(p: TProfile): string {
  const own = p.ai.emergencyPhrases.map((x) => `- ${x} (this business's own rule)`);
  return [...BUILT_IN_EMERGENCIES.map((x) => `- ${x}`), ...own].join("\n");
}

/** The variables for a business's prompt at `now` (business time from ctx.clock). */
export function promptVariables(profile: TProfile, now: Date): Record<string, string> {
  const local = DateTime.fromJSDate(now, { zone: profile.timezone });
  return {
    business: profile.name,
    persona: profile.ai.persona ?? `the virtual assistant of ${profile.name}`,
    timezone: profile.timezone,
    services: describeServices(profile),
    service_area: describeArea(profile),
    hours: describeHours(profile, local),
    policies: describePolicies(profile),
    emergency_rules: describeEmergencies(profile),
    today: `${local.toFormat("cccc, LLLL d, yyyy, h:mm a")} (${profile.timezone}).`,
  };
}

/**
 * The prompt's body with its variables filled (and max_reply_chars from its front matter). A
 * variable with no value throws PromptError (file:line): `prompts check` reports them before.
 * Values are inserted literally: a {{…}} inside a value is not expanded again.
 */
export function renderPrompt(prompt: PromptFile, vars: Record<string, string>): string {
  const all: Record<string, string> = { max_reply_chars: String(prompt.frontMatter.maxReplyChars), ...vars };
  for (const [name, lines] of prompt.variables) {
    if (!Object.hasOwn(all, name)) throw new PromptError(prompt.file, lines[0]!, `unknown variable {{${name}}}`);
  }
  return prompt.body.replace(PLACEHOLDER, (_, k: string) => all[k]!).trim();
}

// What must have happened, checked against what did: the replies that went out, the turns' rows
// (mode, tool calls, guard verdicts), the appointments and who handles the conversation now.
// Pure: a list of failed expectations, each with a short reason.
import { normalizeGsm7 } from "../messaging/normalize-gsm7.ts";
import { findAmounts } from "../agent/guard/check-money.ts";
import { describeExpectation, type TExpectation } from "./eval-schema.ts";
import type { Transcript } from "./run-eval.ts";

const ZIP_RE = /\bzip\b|c[oó]digo postal/i;
const ASSISTANT_RE = /\bvirtual assistant\b|\basistente virtual\b/i;
const SPANISH = new Set([
  "hola",
  "gracias",
  "usted",
  "cita",
  "codigo",
  "código",
  "podemos",
  "necesita",
  "ayudar",
  "asistente",
  "mañana",
  "tecnico",
  "técnico",
  "está",
  "puedo",
  "favor",
  "para",
  "su",
  "una",
  "que",
  "los",
  "las",
  "del",
  "con",
  "el",
  "es",
  "de",
  "por",
]);

export function judgeEval(expect: TExpectation[], t: Transcript): string[] {
  const failures = [...t.problems];
  const replies = t.turns.flatMap((x) => x.replies).filter((m) => !["blocked", "failed", "canceled"].includes(m.status));
  const bodies = replies.map((m) => m.body);
  const ourBooked = t.appointments.filter((a) => a.status === "booked" && a.conversationId !== null);
  const calls = t.turns.flatMap((x) => x.toolCalls);
  const fail = (x: TExpectation, why: string) => failures.push(`${describeExpectation(x)} (${why})`);
  const which = (i: number) => `reply ${i + 1}: "${clip(bodies[i] ?? "")}"`;

  for (const x of expect) {
    if (typeof x === "string") {
      switch (x) {
        case "booked":
          if (ourBooked.length === 0) fail(x, "nothing booked");
          break;
        case "not-booked":
          if (ourBooked.length > 0) fail(x, `${ourBooked.length} booked`);
          break;
        case "rescheduled":
          if (!t.appointments.some((a) => a.status === "rescheduled") || !ourBooked.some((a) => a.replacesId)) fail(x, "no visit was moved");
          break;
        case "cancelled":
          if (!t.appointments.some((a) => a.status === "canceled")) fail(x, "no visit was cancelled");
          break;
        case "handed-off":
          if (!t.handedOff) fail(x, "the agent still handles it");
          break;
        case "not-handed-off":
          if (t.handedOff) fail(x, "a person was asked to take over");
          break;
        case "no-price": {
          const i = bodies.findIndex((b) => amountsIn(b).length > 0);
          if (i >= 0) fail(x, which(i));
          break;
        }
        case "quoted": {
          const amounts = bodies.flatMap(amountsIn);
          const books = t.profile.services.flatMap((s) => (s.price ? [s.price] : []));
          const outside = amounts.find((a) => !books.some((p) => a >= p.from && (p.to === undefined || a <= p.to)));
          if (amounts.length === 0) fail(x, "no price was given");
          else if (outside !== undefined) fail(x, `$${outside} is in no price book`);
          break;
        }
        case "asked-zip":
          if (!bodies.some((b) => ZIP_RE.test(b))) fail(x, "no reply asks for the ZIP");
          break;
        case "emergency":
          if (!replies.some((m) => m.purpose === "emergency")) fail(x, "no safety message went out");
          break;
        case "template":
          if (!t.turns.some((v) => v.mode === "template")) fail(x, "every turn used the model");
          break;
        case "no-template":
          if (t.turns.some((v) => v.mode === "template")) fail(x, "a turn fell back to the templates");
          break;
        case "replied":
          if (replies.length === 0) fail(x, "nothing went out");
          break;
        case "disclosed":
          if (!bodies[0] || !ASSISTANT_RE.test(bodies[0])) fail(x, bodies[0] ? which(0) : "no reply");
          break;
        case "spanish":
          if (!bodies.some((b) => spanishWords(b) >= 3)) fail(x, "no reply is in Spanish");
          break;
        case "gsm7": {
          const i = bodies.findIndex((b) => normalizeGsm7(b).encoding !== "GSM-7");
          if (i >= 0) fail(x, which(i));
          break;
        }
        case "guard-blocked":
          if (!t.turns.some((v) => v.guard.some((g) => !g.ok))) fail(x, "the guard blocked nothing");
          break;
      }
    } else if ("max-segments" in x) {
      const i = bodies.findIndex((b) => normalizeGsm7(b).segments > x["max-segments"]);
      if (i >= 0) fail(x, `${normalizeGsm7(bodies[i] ?? "").segments} segments in ${which(i)}`);
    } else if ("called" in x) {
      if (!calls.some((c) => c.name === x.called && c.result.ok !== false)) fail(x, calls.some((c) => c.name === x.called) ? "it failed" : "not called");
    } else if ("says" in x) {
      const missing = x.says.filter((s) => !bodies.some((b) => b.toLowerCase().includes(s.toLowerCase())));
      if (missing.length) fail(x, `no reply says "${missing.join('", "')}"`);
    } else {
      const said = x["never-says"].filter((s) => bodies.some((b) => b.toLowerCase().includes(s.toLowerCase())));
      if (said.length) fail(x, `said "${said.join('", "')}"`);
    }
  }
  return failures;
}

/** amounts as the reply guard reads them ("$150", "500$", "USD 500", "five hundred dollars"…), so an eval judges what the guard sees */
function amountsIn(body: string): number[] {
  return findAmounts(normalizeGsm7(body).body.toLowerCase());
}

function spanishWords(body: string): number {
  const words = new Set(body.toLowerCase().split(/[^a-záéíóúñü]+/));
  return [...words].filter((w) => SPANISH.has(w)).length;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

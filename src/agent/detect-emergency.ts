import { normalizeGsm7 } from "../messaging/normalize-gsm7.ts";
import { wordsBefore } from "./guard/text-spans.ts";

// Emergency wording in a homeowner's message (issue 9 item 6): the caller sends the safety message first, then hands off
// to a human; no booking flow. Pure and deliberately keyword-based: it errs towards "emergency".
//
// Decisions and known limits:
// - "no heat" / "without heat" / "heat is out" count on their own; "furnace/boiler/heater not working" counts only with a
//   cold cue (freezing, cold, degrees, baby, elderly…); "heat is a bit weak" does not count.
// - a match is dropped when a negation (no, not, don't, isn't, never, without, sin…) is among the four words before it
//   in the same clause ("no gas smell", "don't smell gas", "not flooding"); "No, but I smell gas" still counts (comma).
// - when several kinds match, the most dangerous wins, in the order of KINDS below; profile phrases (custom) come last.
// - "carbon monoxide detector" alone (e.g. "install a CO detector") is not an emergency; the alarm going off is.
// - tense is not understood: "we had a flood last year" counts; "I never smelled gas before but now I do" does not.

export type EmergencyKind = "gas" | "carbon-monoxide" | "flooding" | "electrical" | "fire" | "no-heat" | "sewage" | "custom";

export interface Emergency {
  kind: EmergencyKind;
  /** the words that matched, as the homeowner wrote them */
  phrase: string;
}

const ALARM_ON = String.raw`(?:is\s+|are\s+|keeps?\s+|started\s+|just\s+)*(?:going\s+off|went\s+off|goes\s+off|beeping|sounding|alarming|ringing)`;

const KINDS: [Exclude<EmergencyKind, "custom">, RegExp[]][] = [
  [
    "gas",
    [
      /\bsmell(?:s|ing|ed)?\s+(?:of\s+|like\s+)?(?:natural\s+)?(?:gas|propane|rotten\s+eggs?)\b/,
      /\b(?:gas|propane)\s+(?:smell|odou?r)s?\b/,
      /\b(?:odou?r|scent)\s+of\s+(?:gas|propane)\b/,
      /\b(?:gas|propane)\s+leak(?:s|ing)?\b/,
      /\bleak(?:s|ing)?\s+(?:gas|propane)\b/,
      /\bgas\s+(?:is\s+)?leaking\b/,
      /\b(?:huele|olor)\s+a\s+gas\b/,
      /\bfuga\s+de\s+gas\b/,
    ],
  ],
  [
    "carbon-monoxide",
    [
      /\bcarbon\s+monoxide(?!\s+(?:detectors?|alarms?|monitors?)(?!\s+(?:is|are|keeps?|started|just|went|going|goes|beeping|sounding|alarming|ringing)\b))/,
      new RegExp(String.raw`\b(?:co|carbon\s+monoxide)\s+(?:alarm|detector|monitor)s?\s+${ALARM_ON}`),
      /\bco\s+alarm\b/,
      /\bmon[oó]xido\s+de\s+carbono\b/,
    ],
  ],
  [
    "electrical",
    [
      /\bspark(?:s|ing|ed)\b(?!\s+plugs?)/,
      /\bspark\b(?!\s+plugs?)(?=\s+(?:from|out|in|at|when|coming))/,
      /\b(?:burning|burnt|burned)\s+(?:smell|odou?r)\b/,
      /\bsmell(?:s|ing)?\s+(?:like\s+)?(?:something\s+)?(?:burning|burnt|melting|smoke)\b/,
      /\bsmoke\s+(?:is\s+)?(?:coming\s+)?(?:from|out\s+of)\s+(?:the\s+|my\s+|an?\s+)?(?:outlet|panel|breaker|switch|plug|socket|wires?|wiring|fuse\s+box|electrical|light|fixture)/,
      /\b(?:outlet|panel|breaker|switch|plug|socket|wires?|wiring|fuse\s+box)\s+(?:is\s+|are\s+)?(?:smoking|melting|melted|sparking|on\s+fire|burning)\b/,
      /\belectrical\s+fire\b/,
      /\bchispas?\b|\bchispea\b/,
    ],
  ],
  [
    "fire",
    [
      /\b(?:on|caught|catching)\s+fire\b/,
      /\b(?:house|kitchen|garage|grease|basement|attic|small|a)\s+fire\b(?!\s*(?:pits?|place|wood|sprinklers?|extinguishers?|alarms?|inspection|code|rated|proof|hydrant|safety))/,
      /\bthere(?:'s|\s+is)\s+(?:a\s+)?fire\b/,
      /\bflames\b(?!\s*(?:sensors?|rods?))/,
      /\bflames?\s+(?:coming|shooting)\b/,
      /\b(?:full\s+of|filling\s+(?:up\s+)?with)\s+smoke\b/,
      /\bsmoke\s+(?:is\s+)?(?:everywhere|pouring|coming\s+(?:out|in|from))\b/,
      /\b(?:fuego|incendio)\b/,
    ],
  ],
  [
    "flooding",
    [
      /\bflood(?:ing|ed)\b/,
      /\bflood\b(?!\s*(?:lights?|zone|insurance|plain|certificate))/,
      /\bwater\s+(?:is\s+)?everywhere\b/,
      /\bburst\s+(?:water\s+)?pipes?\b/,
      /\bpipes?\s+(?:has\s+|have\s+|just\s+)?(?:burst|bursted|exploded|split\s+open|broke\s+open)\b/,
      /\bwater\s+(?:is\s+|keeps\s+|started\s+|just\s+)*(?:pouring|gushing|spraying|flooding|shooting|rushing)\b/,
      /\binundaci[oó]n\b|\binundad[oa]s?\b|\bse\s+(?:est[aá]\s+)?inund/,
      /\bagua\s+por\s+todas\s+partes\b/,
      /\b(?:tubo|tuber[ií]a|caño)\s+(?:roto|rota|reventad[oa])\b/,
    ],
  ],
  [
    "sewage",
    [
      /\bsewage\s+(?:is\s+)?(?:backing\s+up|backed\s+up|back\s*up|backup|coming\s+up|coming\s+out|overflowing|everywhere|on\s+the\s+floor|in\s+(?:my|the|our)\s+\w+)/,
      /\bsewer\s+(?:line\s+)?(?:is\s+)?(?:backing\s+up|backed\s+up|back\s*up|backup|overflowing)\b/,
      /\braw\s+sewage\b/,
      /\b(?:full\s+of|covered\s+in)\s+sewage\b/,
      /\baguas\s+negras\b/,
    ],
  ],
  [
    "no-heat",
    [
      /\bno\s+(?:heat|heating)\b/,
      /\bwithout\s+(?:any\s+)?(?:heat|heating)\b/,
      /\b(?:don't|dont|do\s+not)\s+have\s+(?:any\s+)?(?:heat|heating)\b/,
      /\b(?:heat|heating)\s+(?:doesn't|does\s+not|won't|will\s+not)\s+(?:work|come\s+on|turn\s+on)\b/,
      /\b(?:heat|heating)\s+(?:is\s+|has\s+)?(?:out|gone|not\s+working|isn't\s+working|stopped\s+working|went\s+out|quit|died)\b/,
      /\b(?:sin|no\s+hay|no\s+tengo|no\s+tenemos)\s+calefacci[oó]n\b/,
    ],
  ],
];

const HEATER_OUT =
  /\b(?:furnace|boiler|heater|heat\s+pump)\s+(?:is\s+|has\s+)?(?:out|dead|died|broke|broken|quit|not\s+working|isn't\s+working|stopped\s+working|went\s+out|(?:doesn't|does\s+not|won't)\s+work|won't\s+(?:turn\s+on|start|come\s+on|light))\b/;
const COLD_CUE =
  /\b(?:freezing|frozen|cold|below\s+(?:zero|freezing)|degrees|baby|babies|infant|newborn|elderly|grandma|grandpa|grandmother|grandfather|frio|helando)\b/;

const NEGATORS = new Set([
  "no",
  "not",
  "don't",
  "dont",
  "doesn't",
  "doesnt",
  "didn't",
  "didnt",
  "isn't",
  "isnt",
  "aren't",
  "arent",
  "wasn't",
  "wasnt",
  "never",
  "without",
  "nothing",
  "zero",
  "sin",
  "nunca",
  "nada",
  "ni",
]);

const foldedChars = new Map<string, string>();

function foldChar(ch: string): string {
  let out = foldedChars.get(ch);
  if (out === undefined) {
    const bare = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    out = bare.length === ch.length ? bare.toLowerCase().slice(0, ch.length).padEnd(ch.length, " ") : ch;
    if (foldedChars.size < 10_000) foldedChars.set(ch, out); // a text's distinct characters are few; the cap keeps memory bounded
  }
  return out;
}

/** Lower-cases, folds typographic apostrophes and strips accents while keeping every index (so phrases come from the original). */
function fold(text: string): string {
  // ASCII in bulk; only other characters one by one
  return text
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/[A-Z]+/g, (s) => s.toLowerCase())
    .replace(/[^\x00-\x7F]/gu, foldChar);
}

function isNegated(folded: string, index: number): boolean {
  // Only the four words before the match matter: read those (five, so the first is whole) instead of splitting all the
  // text before it, which made a long message with many negated matches quadratic. The window starts at a word, so the
  // clause split below sees the same last clause words as it would on the whole text.
  const before = folded.slice(wordsBefore(folded, index, 5), index);
  const clause = before.split(/[.,;!?\n]|\bbut\b|\bpero\b/).pop() ?? "";
  const words = clause.trim().split(/\s+/).filter(Boolean).slice(-4);
  return words.some((w) => NEGATORS.has(w));
}

function firstMatch(original: string, folded: string, res: RegExp[]): string | undefined {
  for (const re of res) {
    const global = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
    for (const m of folded.matchAll(global)) {
      if (!isNegated(folded, m.index)) return original.slice(m.index, m.index + m[0].length);
    }
  }
  return undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Finds emergency wording (English and basic Spanish, plus the profile's own phrases); undefined when there is none. */
export function detectEmergency(text: string, extraPhrases: string[] = []): Emergency | undefined {
  const folded = fold(text);
  for (const [kind, res] of KINDS) {
    const phrase = firstMatch(text, folded, res);
    if (phrase !== undefined) return { kind, phrase };
  }
  if (COLD_CUE.test(folded)) {
    const phrase = firstMatch(text, folded, [HEATER_OUT]);
    if (phrase !== undefined) return { kind: "no-heat", phrase };
  }
  const custom = extraPhrases
    .map((p) => fold(p.trim()))
    .filter((p) => p.length > 0)
    .map((p) => new RegExp(String.raw`(?<![\p{L}\p{N}])${escapeRegExp(p).replace(/\s+/g, "\\s+")}(?![\p{L}\p{N}])`, "u"));
  const phrase = firstMatch(text, folded, custom);
  return phrase === undefined ? undefined : { kind: "custom", phrase };
}

const SAFETY: Record<EmergencyKind, string> = {
  gas: "This could be a gas leak. Leave the house now and take everyone with you. Don't touch light switches, phones or anything that could spark. From outside, call 911 or your gas company's emergency line.",
  "carbon-monoxide":
    "A carbon monoxide alarm is an emergency. Get everyone, pets too, out into fresh air now and don't go back in. From outside, call 911 or your gas company's emergency line.",
  flooding:
    "If it's safe, shut off the main water valve now. Stay out of standing water and away from outlets and anything electrical. If water is near the electrical panel, leave the house and call 911.",
  electrical: "Don't touch the outlet, panel or wires. If there is smoke, sparks or a burning smell, get everyone out of the house and call 911 from outside.",
  fire: "Get everyone out of the house now and call 911 from outside. Don't go back in and don't try to fight the fire yourself.",
  "no-heat":
    "Keep everyone warm: close off unused rooms, wear layers and never heat the house with a stove or oven. If anyone is in danger from the cold, call 911.",
  sewage:
    "Keep everyone, especially kids and pets, away from the sewage and don't touch it. Stop using sinks, toilets, showers and the washer. Stay away from outlets if water is near them.",
  custom: "This sounds urgent. If anyone is in danger, leave the house and call 911.",
};

/** The safety instructions for an emergency, then that a person from the business is being alerted. GSM-7, at most 320 chars. */
export function safetyMessage(e: Emergency, businessName: string): string {
  const name = normalizeGsm7(businessName).body;
  const who = name.length > 0 && name.length <= 40 && normalizeGsm7(name).encoding === "GSM-7" ? name : "the business";
  const callBack = e.kind === "no-heat" || e.kind === "sewage" || e.kind === "custom" ? " and will call you right away" : "";
  return `${SAFETY[e.kind]} A person from ${who} is being alerted now${callBack}.`;
}

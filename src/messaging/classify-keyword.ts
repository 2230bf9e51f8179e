// Carrier/CTIA keywords and clear plain-language opt-outs (FCC 2025 revocation rule: a consumer
// may revoke consent "in any reasonable manner").
export type KeywordAction = "opt-out" | "opt-in" | "help";
export interface KeywordMatch {
  action: KeywordAction;
  /** keyword: a single reserved word; natural-language: a clear sentence */
  kind: "keyword" | "natural-language";
}

const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]);
const OPT_IN = new Set(["START", "UNSTOP", "YES"]);
const HELP = new Set(["HELP", "INFO"]);

const NATURAL_OPT_OUT: RegExp[] = [
  /\b(stop|quit|cease) (texting|messaging|contacting|calling|sending|spamming|txting|texing)\b/,
  /\b(don'?t|do not) (want|need) (any )?(more )?(texts|messages|txts)\b/,
  /\b(don'?t|do not|never) (text|message|txt|contact|sms) (me|us|this number)\b/,
  /\b(take|remove|delete) (me|my number|this number) (off|from)\b/,
  /\bunsubscribe me\b/,
  /\bopt (me )?out\b/,
  /\bno more (texts|messages|txts)\b/,
  /\bwrong number,? (stop|don'?t text)\b/,
];

/** The action a message asks for, or undefined for an ordinary message. */
export function classifyKeyword(body: string): KeywordMatch | undefined {
  // "Stop." / "stop !" / " STOP 🛑" / "opt-out" all count; a word inside a sentence does not.
  const words = body
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ""))
    .filter(Boolean);
  if (words.length === 1) {
    const word = words[0]!.toUpperCase();
    if (OPT_OUT.has(word)) return { action: "opt-out", kind: "keyword" };
    if (OPT_IN.has(word)) return { action: "opt-in", kind: "keyword" };
    if (HELP.has(word)) return { action: "help", kind: "keyword" };
  }
  const text = body
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (text.split(" ").length <= 40 && NATURAL_OPT_OUT.some((re) => re.test(text))) {
    return { action: "opt-out", kind: "natural-language" };
  }
  return undefined;
}

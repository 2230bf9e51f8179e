// Carrier/CTIA keywords and clear plain-language opt-outs (FCC 2024 revocation rule, in force
// 2025: a consumer may revoke consent "in any reasonable manner"). Requests about a job ("remove
// the old water heater", "take me off the schedule") are not opt-outs.
export type KeywordAction = "opt-out" | "opt-in" | "help";
export interface KeywordMatch {
  action: KeywordAction;
  /** keyword: a single reserved word; natural-language: a clear sentence */
  kind: "keyword" | "natural-language";
}

const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]);
const OPT_IN = new Set(["START", "UNSTOP", "YES"]);
const HELP = new Set(["HELP", "INFO"]);

// Whole-message politeness around a request: "please stop", "stop it now", "remove me thanks".
const POLITE = String.raw`(?:please|pls|plz|just|ok|okay|now|seriously|again|hey|hi|sorry)`;
const THANKS = String.raw`(?:please|pls|plz|now|thanks|thank you|thx|ty|asap|already|immediately|right now|for good)`;
/** what a list is called when someone asks to be taken off it ("remove me from your list") */
const LIST = String.raw`(?:your |the |this |ur |all |every |these |those |any )?(?:list|lists|contact list|contacts|mailing list|texting list|text list|sms list|call list|calling list|marketing list|database|system|texts|messages|text messages|sms)`;

const NATURAL_OPT_OUT: RegExp[] = [
  // the whole message is the request, politeness aside ("Stop please", "STOP STOP", "remove me")
  new RegExp(
    String.raw`^(?:${POLITE} )*(?:stop(?: stop)*(?: it| now| this| all| everything)?|unsubscribe(?: me)?|remove (?:me|my number|this number)|take me off|opt me out|end it)(?: ${THANKS})*$`,
  ),
  /\b(stop|quit|cease) (texting|messaging|contacting|calling|sending|spamming|txting|texing)\b/,
  /\bstop (getting|receiving) (these |your |the |any |all )?(texts|messages|txts|sms)\b/,
  /\b(don'?t|do not) (want|need) (any )?(more )?(texts|messages|txts)\b/,
  /\b(don'?t|do not|never) (text|message|txt|contact|sms) (me|us|this number)\b/,
  // off a list, not off the schedule: "can you remove me from the schedule" is about a visit
  new RegExp(String.raw`\b(take|remove|delete|drop|erase) (me|my number|my phone number|my cell|this number) (off|from|out of) ${LIST}\b`),
  // a message that opens with "remove me" (not "remove me from the schedule", handled above)
  /^(please |pls |plz )?remove me\b(?! from\b| off\b)/,
  /\b(i want to|i'd like to|i would like to|i wanna|let me|how do i|how can i|please|pls|plz) unsubscribe\b/,
  /\bunsubscribe (me|my number|this number)\b/,
  /\bopt (me )?out\b/,
  /\bno more (texts|messages|txts)\b/,
  /\bwrong number,? (stop|don'?t text)\b/,
  /\bleave me alone\b/,
  /\b(lose|delete|erase) my (number|phone number|contact info)\b/,
];

/** a natural-language opt-out is a sentence: no SMS (1,600 characters at most) or chat message is longer than this */
const MAX_SENTENCE_CHARS = 4000;
const MAX_SENTENCE_WORDS = 40;
const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * The whitespace-separated tokens that hold a letter or digit, up to `limit + 1` of them: enough to tell "one word",
 * and "more than 40 words" (each such token is at least one word once punctuation is dropped), without splitting and
 * cleaning every word of a long message.
 */
function wordTokens(body: string, limit: number): string[] {
  const tokens: string[] = [];
  for (const m of body.matchAll(/\S+/g)) {
    if (!HAS_WORD.test(m[0])) continue;
    tokens.push(m[0]);
    if (tokens.length > limit) break;
  }
  return tokens;
}

/** The action a message asks for, or undefined for an ordinary message. Linear in the message, and cheap on a long one. */
export function classifyKeyword(body: string): KeywordMatch | undefined {
  // "Stop." / "stop !" / " STOP 🛑" / "opt-out" all count; a word inside a sentence does not.
  const tokens = wordTokens(body, MAX_SENTENCE_WORDS);
  if (tokens.length === 1) {
    const word = tokens[0]!.replace(/[^\p{L}\p{N}]/gu, "").toUpperCase();
    if (OPT_OUT.has(word)) return { action: "opt-out", kind: "keyword" };
    if (OPT_IN.has(word)) return { action: "opt-in", kind: "keyword" };
    if (HELP.has(word)) return { action: "help", kind: "keyword" };
  }
  if (tokens.length > MAX_SENTENCE_WORDS || body.length > MAX_SENTENCE_CHARS) return undefined;
  const text = body
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (text.split(" ").length <= MAX_SENTENCE_WORDS && NATURAL_OPT_OUT.some((re) => re.test(text))) {
    return { action: "opt-out", kind: "natural-language" };
  }
  return undefined;
}

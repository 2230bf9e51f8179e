// Characters phones and LLMs love that would force UCS-2 (70 chars a segment instead of 160).
const REPLACEMENTS: [RegExp, string][] = [
  [/[\u2018\u2019\u201A\u201B\u2032\u00B4]/g, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033]/g, '"'],
  [/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g, "-"],
  [/\u2026/g, "..."],
  [/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, " "],
  [/[\u200B-\u200D\u2060\uFEFF]/g, ""],
  [/[\u2022\u2023\u2043]/g, "-"],
  [/\u00AD/g, ""],
];
const NON_ASCII = /[^\x00-\x7F]/;
// Only where a run of spaces starts: without the look-behind the engine retries at every space of a long run (quadratic).
const SPACES_BEFORE_NEWLINE = /(?<![ \t])[ \t]+\n/g;

// The GSM 03.38 alphabet as Twilio counts it (the same table as sms-segments-calculator): one septet each, the
// extension characters two (escape + char).
const GSM_BASIC = new Set("\n\r !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz¡£¤¥§¿ÄÅÆÇÉÑÖØÜßàäåæèéìñòöøùüΓΔΘΛΞΠΣΦΨΩ");
const GSM_EXTENSION = new Set("\f[\\]^{|}~€");
const GSM_EXTENSION_CODES = new Set([...GSM_EXTENSION].map((c) => c.charCodeAt(0)));
const NOT_GSM = /[^\n\r !"#$%&'()*+,\-./0-9:;<=>?@A-Z_a-z¡£¤¥§¿ÄÅÆÇÉÑÖØÜßàäåæèéìñòöøùüΓΔΘΛΞΠΣΦΨΩ\f[\\\]^{|}~€]/;
// A user-perceived character, closely enough for segment packing: a code point (or a flag's pair) with its combining
// marks, skin tones, tags and zero-width-joined followers. Linear (the optional tail never has to backtrack); used
// instead of Intl.Segmenter, whose iterator is quadratic in Node 20, and sms-segments-calculator, which concatenates
// arrays per character (2.7 s for 20 kB).
const CLUSTER = /(?:\p{RI}\p{RI}|[\s\S])(?:[\p{M}\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]|\u200D[\s\S]?)*/gu;

const SEGMENT_BITS = 1120; // 140 octets
const HEADER_BITS = 48; // the concatenation header every part of a multi-part message carries

export interface NormalizedSms {
  body: string;
  encoding: "GSM-7" | "UCS-2";
  segments: number;
}

/** Normalises typography to GSM-7 where a plain equivalent exists and counts the segments. Linear in the input. */
export function normalizeGsm7(input: string): NormalizedSms {
  let body = input;
  // every replacement is of a non-ASCII character: plain text skips them
  if (NON_ASCII.test(body)) for (const [re, to] of REPLACEMENTS) body = body.replace(re, to);
  body = body.replace(SPACES_BEFORE_NEWLINE, "\n").trim();
  const encoding = NOT_GSM.test(body) ? "UCS-2" : "GSM-7";
  return { body, encoding, segments: countSegments(body, encoding) };
}

/** The characters (as the reader sees them, e.g. an emoji with its skin tone) that GSM-7 cannot carry, each once. */
export function nonGsmCharacters(body: string): string[] {
  const found = new Set<string>();
  for (const m of body.matchAll(CLUSTER)) {
    const c = m[0];
    if (c.length !== 1 || !(GSM_BASIC.has(c) || GSM_EXTENSION.has(c))) found.add(c);
  }
  return [...found];
}

/**
 * Packs characters into 140-octet segments as Twilio does: one segment when the whole message fits, else parts with a
 * 6-octet header each (153 GSM-7 / 67 UCS-2 characters), never splitting a character (an escape pair, a surrogate pair,
 * an emoji with its modifiers) across two parts.
 */
function countSegments(body: string, encoding: "GSM-7" | "UCS-2"): number {
  const capacity = SEGMENT_BITS - HEADER_BITS;
  let segments = 1;
  let used = 0;
  let total = 0;
  const add = (size: number): void => {
    total += size;
    if (capacity - used < size) {
      segments++;
      used = 0;
    }
    used += size;
  };
  if (encoding === "GSM-7") for (let i = 0; i < body.length; i++) add(GSM_EXTENSION_CODES.has(body.charCodeAt(i)) ? 14 : 7);
  else for (const m of body.matchAll(CLUSTER)) add(16 * m[0].length);
  // parts only when the whole does not fit in one segment (which has no header)
  return total <= SEGMENT_BITS ? 1 : segments;
}

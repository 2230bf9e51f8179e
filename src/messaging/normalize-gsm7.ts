import { SegmentedMessage } from "sms-segments-calculator";

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

export interface NormalizedSms {
  body: string;
  encoding: "GSM-7" | "UCS-2";
  segments: number;
}

/** Normalises typography to GSM-7 where a plain equivalent exists and counts the segments. */
export function normalizeGsm7(input: string): NormalizedSms {
  let body = input;
  for (const [re, to] of REPLACEMENTS) body = body.replace(re, to);
  body = body.replace(/[ \t]+\n/g, "\n").trim();
  const seg = new SegmentedMessage(body, "auto");
  return { body, encoding: seg.encodingName === "GSM-7" ? "GSM-7" : "UCS-2", segments: seg.segmentsCount };
}

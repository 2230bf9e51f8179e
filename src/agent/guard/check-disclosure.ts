// (e) The first AI message says it is the business's virtual assistant; a "are you a bot?" is answered truthfully; never a claim to be human.
import type { GuardFacts } from "./guard-facts.ts";

const ASSISTANT_RE = /\b(?:virtual|ai|a\.i\.|automated|digital)\s+assistant\b|\basistente\s+virtual\b/;
const AI_SELF_RE =
  /\b(?:virtual|ai|a\.i\.|automated|digital)\s+assistant\b|\basistente\s+virtual\b|\b(?:i'm|i am|im|this is)\s+(?:an?\s+)?(?:ai|a\.i\.|bot|chatbot|automated)\b/;
const BOT_QUESTION_RES = [
  /\b(?:are|r)\s+(?:you|u)\s+(?:an?\s+)?(?:real|human|person|bot|robot|ai|a\.i\.|machine|computer|automated|chat\s?bot|live|actual)\b/,
  /\b(?:is\s+this|am\s+i\s+(?:talking|chatting|texting|speaking)\s+(?:to|with))\s+(?:an?\s+)?(?:real|human|person|bot|robot|ai|a\.i\.|machine|computer|automated|chat\s?bot|live|actual|someone\s+real)\b/,
  /\b(?:bot|robot|chatbot|ai|human|real person)\s*\?/,
  /\b(?:eres|es)\s+(?:un\s+)?(?:robot|bot|humano|persona)\b/,
];
const HUMAN_CLAIM_RES = [
  /\b(?:i'm|i am|im)\s+(?:not\s+(?:an?\s+)?(?:bot|robot|ai|a\.i\.|machine|computer|automated|virtual)\b|(?:an?\s+)?(?:real|actual|live)\s+(?:person|human)\b|(?:a\s+)?human\b|a\s+person\b)/,
  /\b(?:this is|you'?re (?:talking|texting|chatting|speaking) (?:to|with)|you are (?:talking|texting|chatting|speaking) (?:to|with))\s+(?:not\s+a\s+bot|an?\s+(?:real|actual|live)\s+(?:person|human)|a\s+human)\b/,
  /\bthis (?:is not|isn't) (?:an?\s+)?(?:bot|robot|ai|automated|machine|computer)\b/,
  /\b(?:soy\s+(?:un\s+|una\s+)?(?:humano|humana|persona\s+real)|no\s+soy\s+(?:un\s+)?(?:robot|bot))\b/,
];

function normalizeName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function namesBusiness(lower: string, businessName: string): boolean {
  const text = ` ${normalizeName(lower)} `;
  const name = normalizeName(businessName);
  const withoutSuffix = name.replace(/\s+(?:llc|inc|co|corp|ltd|company)$/, "");
  const firstWord = name.split(" ")[0] ?? "";
  return [name, withoutSuffix, firstWord.length >= 3 ? firstWord : ""].some((n) => n.length > 0 && text.includes(` ${n} `));
}

export function checkDisclosure(lower: string, f: GuardFacts): string[] {
  const problems: string[] = [];
  if (HUMAN_CLAIM_RES.some((re) => re.test(lower))) {
    problems.push("claims to be a human; the agent is a virtual assistant and must never say otherwise");
  }
  if (f.firstAiMessage && !(ASSISTANT_RE.test(lower) && (namesBusiness(lower, f.businessName) || /\b(?:we|our|us)\b/.test(lower)))) {
    problems.push(`is the first message, so it must say it is ${f.businessName}'s virtual assistant`);
  }
  const asked = f.lastInbound.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  if (BOT_QUESTION_RES.some((re) => re.test(asked)) && !AI_SELF_RE.test(lower)) {
    problems.push(`the homeowner asked whether this is a bot: answer truthfully that this is ${f.businessName}'s virtual assistant`);
  }
  return problems;
}

// Does a reply read as a complaint? Used only to route it to a person — never to decide who is asked
// for a review (every customer is asked; gating reviews on sentiment is against Google's and the
// FTC's rules). Leans to "yes": a false alarm costs the office a glance, a missed one a customer.
const COMPLAINT: RegExp[] = [
  /\b(terrible|awful|horrible|worst|unacceptable|ridiculous|disgusted|furious|angry)\b/,
  /\b(not|wasn'?t|isn'?t|never|very un|un)\s*(happy|satisfied|pleased|impressed)\b/,
  /\bdisappoint(ed|ing)?\b/,
  /\b(rude|unprofessional|overcharged?|rip ?off|scam)\b/,
  /\b(still|again) (leak(s|ing)?|broken|not working|doesn'?t work|isn'?t working|dripping|clogged)\b/,
  /\b(didn'?t|did not|never) (fix|show|come|finish|call)\b/,
  /\b(refund|complain(t)?|money back|bbb)\b/,
  /\b(bad|poor|lousy) (job|service|work|experience)\b/,
  /\bmade (it|things) worse\b/,
];

export function detectComplaint(text: string): boolean {
  const t = text.toLowerCase().replace(/[’‘`]/g, "'");
  return COMPLAINT.some((re) => re.test(t));
}

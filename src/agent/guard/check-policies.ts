// "No policy the profile does not state": a reply that speaks of refunds, deposits, discounts,
// financing, fees, licensing, warranties or round-the-clock service must be backed by one of the
// profile's policies that speaks of the same thing.
const TOPICS: { name: string; words: RegExp }[] = [
  { name: "refunds", words: /\brefund(s|ed|able)?\b|money back/ },
  { name: "deposits", words: /\bdeposits?\b|\bdown payment/ },
  // (?<!\d): a long run of digits is tried from its first digit only, not from each one (quadratic)
  { name: "discounts", words: /\bdiscounts?\b|\bcoupons?\b|(?<!\d)\d+\s?% off\b|\bpromo(tion)?s?\b/ },
  { name: "financing", words: /\bfinanc(e|ing)\b|\bpayment plans?\b|\binstallments?\b/ },
  { name: "fees", words: /\b(trip|service|dispatch|call[- ]out|diagnostic|after[- ]hours) (fee|charge)s?\b/ },
  { name: "licensing and insurance", words: /\blicen[cs]ed\b|\binsured\b|\bbonded\b/ },
  { name: "warranties", words: /\bwarrant(y|ies|eed)\b/ },
  { name: "round-the-clock service", words: /\b24\/7\b|\b24 hours a day\b|\baround the clock\b/ },
];

export function checkPolicies(lowerReply: string, policies: readonly string[]): string[] {
  const stated = policies.join(" \n ").toLowerCase();
  return TOPICS.filter((t) => t.words.test(lowerReply) && !t.words.test(stated)).map(
    (t) => `speaks of ${t.name}, which the business's policies do not mention: do not state it`,
  );
}

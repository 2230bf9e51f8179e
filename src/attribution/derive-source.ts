import type { TAttribution } from "./attribution-schema.ts";

const SEARCH_ENGINES: [RegExp, string][] = [
  [/(^|\.)google\./, "google-organic"],
  [/(^|\.)bing\.com$/, "bing-organic"],
  [/(^|\.)duckduckgo\.com$/, "duckduckgo"],
  [/(^|\.)yahoo\./, "yahoo-organic"],
  [/(^|\.)(facebook|fb)\.com$|(^|\.)instagram\.com$/, "facebook"],
  [/(^|\.)yelp\.com$/, "yelp"],
  [/(^|\.)nextdoor\.com$/, "nextdoor"],
];

/**
 * One lead source label from what we know, most specific first: an explicit source (tracking
 * number, ad platform), utm_source, a click id, the referring site, then the channel's default.
 */
export function deriveSource(input: { explicit?: string | undefined; attribution?: TAttribution | undefined; fallback: string }): string {
  if (input.explicit) return input.explicit;
  const a = input.attribution ?? {};
  const utm = a.utm?.source?.toLowerCase();
  if (utm) {
    const medium = a.utm?.medium?.toLowerCase();
    return medium && /^(cpc|ppc|paid|paidsearch|paid-search|paid_social|paidsocial)$/.test(medium)
      ? `${utm}-${medium === "cpc" || medium === "ppc" ? "ads" : medium}`
      : utm;
  }
  if (a.gclid) return "google-ads";
  if (a.fbclid) return "facebook-ads";
  if (a.msclkid) return "microsoft-ads";
  const host = hostOf(a.referrer);
  // a landing page sent as a bare path ("/contact") just has no host to compare with
  if (host && host !== hostOf(a.landingPage)) {
    for (const [re, label] of SEARCH_ENGINES) if (re.test(host)) return label;
    return `referral:${host}`;
  }
  return input.fallback;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.replace(/^www\./, "") || undefined;
  } catch {
    return undefined;
  }
}

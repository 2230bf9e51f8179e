import { z } from "zod";

const ZShort = z.string().trim().max(300).optional();

/** What a browser or form tells us about where a lead came from. */
export const ZAttribution = z.object({
  utm: z.object({ source: ZShort, medium: ZShort, campaign: ZShort, term: ZShort, content: ZShort }).partial().optional(),
  gclid: ZShort,
  fbclid: ZShort,
  msclkid: ZShort,
  landingPage: z.string().trim().max(2000).optional(),
  referrer: z.string().trim().max(2000).optional(),
  formId: ZShort,
  adId: ZShort,
  campaignId: ZShort,
});
export type TAttribution = z.infer<typeof ZAttribution>;

/** Lifts utm_* and click ids out of a landing page URL when the caller did not send them apart. */
export function attributionFromUrl(a: TAttribution): TAttribution {
  if (!a.landingPage) return a;
  let url: URL;
  try {
    url = new URL(a.landingPage);
  } catch {
    return a;
  }
  const q = (k: string) => url.searchParams.get(k)?.slice(0, 300) || undefined;
  return {
    ...a,
    utm: {
      source: a.utm?.source ?? q("utm_source"),
      medium: a.utm?.medium ?? q("utm_medium"),
      campaign: a.utm?.campaign ?? q("utm_campaign"),
      term: a.utm?.term ?? q("utm_term"),
      content: a.utm?.content ?? q("utm_content"),
    },
    gclid: a.gclid ?? q("gclid"),
    fbclid: a.fbclid ?? q("fbclid"),
    msclkid: a.msclkid ?? q("msclkid"),
  };
}

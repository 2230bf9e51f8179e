// Where a recipient is, for quiet hours and state texting laws: the job-site ZIP when we have it,
// else the phone's area code, else the business's own zone. Mobile numbers travel, so an area code
// that spans zones returns all of them and the send policy applies the strictest window.
import zipTz from "zipcode-to-timezone";
import { lookupAreaCode } from "./area-codes.ts";
import { lookupZipExtraZones, lookupZipState } from "./zip-prefix-states.ts";

export interface RecipientPlace {
  /** IANA zones the recipient may be in (at least one) */
  zones: string[];
  /** USPS codes of the US states/territories they may be in ([] when unknown or not in the US) */
  states: string[];
  basis: "zip" | "area-code" | "business";
}

export function resolveRecipientPlace(r: { zip?: string | null; phone?: string | null; businessZone: string }): RecipientPlace {
  return placeOfZip(r.zip) ?? placeOfPhone(r.phone) ?? { zones: [r.businessZone], states: [], basis: "business" };
}

function placeOfZip(raw: string | null | undefined): RecipientPlace | undefined {
  const zip = /^\s*(\d{5})(?:-?\d{4})?\s*$/.exec(raw ?? "")?.[1]; // ZIP or ZIP+4
  const zone = zip ? zipTz.lookup(zip) : null;
  if (!zip || !zone) return undefined;
  const state = lookupZipState(zip);
  const zones = [zone, ...lookupZipExtraZones(zip).filter((z) => z !== zone)];
  return { zones, states: state ? [state] : [], basis: "zip" };
}

function placeOfPhone(raw: string | null | undefined): RecipientPlace | undefined {
  // E.164 +1 and ten digits (or the ten digits alone); any other country code is not ours to place
  const npa = /^(?:\+?1)?([2-9]\d{2})\d{7}$/.exec((raw ?? "").replace(/[\s().-]/g, ""))?.[1];
  const place = npa ? lookupAreaCode(npa) : undefined;
  return place ? { zones: [...place.zones], states: [...place.states], basis: "area-code" } : undefined;
}

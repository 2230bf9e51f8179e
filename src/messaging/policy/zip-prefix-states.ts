// ZIP data zipcode-to-timezone lacks: 3-digit prefix → USPS state, for state laws on texting hours
// (the library gives the zone only), and zones it gets wrong (below). Military (AA/AE/AP) and
// unassigned prefixes are absent. 967 also holds American Samoa's 96799 and 969 the other Pacific
// islands; they have no state rule, so the rows stay coarse.

// [first prefix, last prefix, state], ascending, no overlaps (a unit test checks)
// biome-ignore format: a compact data table
export const ZIP_PREFIX_STATES: readonly [number, number, string][] = [
  [5, 5, "NY"], [6, 7, "PR"], [8, 8, "VI"], [9, 9, "PR"],
  [10, 27, "MA"], [28, 29, "RI"], [30, 38, "NH"], [39, 49, "ME"], [50, 54, "VT"], [55, 55, "MA"], [56, 59, "VT"],
  [60, 69, "CT"], [70, 89, "NJ"], [100, 149, "NY"], [150, 196, "PA"], [197, 199, "DE"],
  [200, 200, "DC"], [201, 201, "VA"], [202, 205, "DC"], [206, 219, "MD"], [220, 246, "VA"], [247, 268, "WV"],
  [270, 289, "NC"], [290, 299, "SC"], [300, 319, "GA"], [320, 339, "FL"], [341, 349, "FL"],
  [350, 369, "AL"], [370, 385, "TN"], [386, 397, "MS"], [398, 399, "GA"], [400, 427, "KY"],
  [430, 459, "OH"], [460, 479, "IN"], [480, 499, "MI"], [500, 528, "IA"], [530, 549, "WI"], [550, 567, "MN"],
  [569, 569, "DC"], [570, 577, "SD"], [580, 588, "ND"], [590, 599, "MT"], [600, 629, "IL"], [630, 658, "MO"],
  [660, 679, "KS"], [680, 693, "NE"], [700, 714, "LA"], [716, 729, "AR"], [730, 731, "OK"], [733, 733, "TX"],
  [734, 749, "OK"], [750, 799, "TX"], [800, 816, "CO"], [820, 831, "WY"], [832, 838, "ID"], [840, 847, "UT"],
  [850, 865, "AZ"], [870, 884, "NM"], [885, 885, "TX"], [889, 898, "NV"], [900, 961, "CA"],
  [967, 968, "HI"], [969, 969, "GU"], [970, 979, "OR"], [980, 994, "WA"], [995, 999, "AK"],
];

// zipcode-to-timezone (2016 data) names one zone per ZIP and gets some Central places wrong
// (Gary, Evansville, western Kentucky: "Eastern"), Malheur County, Oregon ("Pacific"), West Wendover
// and the western Aleutians. These prefixes and ZIPs straddle a zone line, so they get the other
// zone too and the strictest window applies, as for an area code that spans zones.
const EXTRA_ZONES_BY_PREFIX: readonly [number, number, string][] = [
  [420, 424, "America/Chicago"], // western Kentucky (Paducah, Bowling Green, Owensboro, Henderson)
  [426, 427, "America/Chicago"], // south-central Kentucky (Adair, Russell, Clinton, Grayson)
  [463, 464, "America/Chicago"], // northwest Indiana (Gary, Hammond, Valparaiso, La Porte)
  [476, 477, "America/Chicago"], // southwest Indiana (Evansville)
  [979, 979, "America/Denver"], // eastern Oregon (Ontario, Nyssa, Vale)
];
const EXTRA_ZONES_BY_ZIP: Readonly<Record<string, string>> = {
  "89883": "America/Denver", // West Wendover, Nevada: Mountain time by law
  "99546": "America/Adak", // Adak, Alaska
  "99547": "America/Adak", // Atka, Alaska
};

/** Zones a ZIP may be in besides the one zipcode-to-timezone names (usually none). */
export function lookupZipExtraZones(zip: string): string[] {
  const prefix = Number(zip.slice(0, 3));
  const byZip = EXTRA_ZONES_BY_ZIP[zip.slice(0, 5)];
  const byPrefix = EXTRA_ZONES_BY_PREFIX.filter(([from, to]) => prefix >= from && prefix <= to).map(([, , zone]) => zone);
  return byZip ? [...byPrefix, byZip] : byPrefix;
}

/** The state of a 5-digit ZIP by its first three digits, or undefined when the prefix is not a state's. */
export function lookupZipState(zip: string): string | undefined {
  const prefix = Number(zip.slice(0, 3));
  return ZIP_PREFIX_STATES.find(([from, to]) => prefix >= from && prefix <= to)?.[2];
}

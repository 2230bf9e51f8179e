// NANP area code → where its numbers are: the fallback for a contact's place when no job-site ZIP
// is known. Written by hand because the npm `areacodes` package gives one state and one city per
// code, no time zones, and is not kept up to date.
//
// Rule: an area code lists EVERY zone observed in some populated part of it (officially or by
// settled local practice), so the send policy can apply the strictest window (ARCHITECTURE.md, 3).
// Overlays share their parent's row. Canadian codes carry the province's zones and no US state
// (states: []). Caribbean NANP countries are absent on purpose: they fall back to the business zone.
// Cross-checked (2026) against libphonenumber's NPA-NXX time-zone map and geocoding data; codes
// newer than that map (357 436 457 483 624 679 861 924) are from the overlay announcements.

export interface AreaCodePlace {
  readonly states: readonly string[];
  readonly zones: readonly string[];
}

const E = "America/New_York";
const C = "America/Chicago";
const M = "America/Denver";
const AZ = "America/Phoenix"; // Mountain Standard all year
const P = "America/Los_Angeles";

// [USPS state (or "" for Canada), zones, area codes]
// biome-ignore format: a compact data table
const ROWS: readonly [string, readonly string[], string][] = [
  ["AL", [C], "205 251 256 659 938"],
  ["AL", [C, E], "334 483"], // Phenix City and Lanett/Valley keep Eastern time
  ["AK", ["America/Anchorage", "America/Adak"], "907"], // the western Aleutians are on Hawaii-Aleutian time
  ["AZ", [AZ], "480 520 602 623"],
  ["AZ", [AZ, M], "928"], // the Navajo Nation observes daylight saving time
  ["AR", [C], "327 479 501 870"],
  ["CA", [P], "209 213 279 310 323 341 350 357 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669"],
  ["CA", [P], "707 714 738 747 760 805 818 820 831 840 858 909 916 925 949 951"],
  ["CO", [M], "303 719 720 748 970 983"],
  ["CT", [E], "203 475 860 959"],
  ["DE", [E], "302"],
  ["DC", [E], "202 771"],
  ["FL", [E], "239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786 813 863 904 941 954"],
  ["FL", [C, E], "448 850"], // the panhandle west of the Apalachicola is Central
  ["GA", [E], "229 404 470 478 678 706 762 770 912 943"],
  ["HI", ["Pacific/Honolulu"], "808"],
  ["ID", [M, P], "208 986"], // the northern panhandle is Pacific
  ["IL", [C], "217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872"],
  ["IN", [E], "260 317 463 765"],
  ["IN", [C, E], "219 574 812 930"], // NW (Gary, Knox) and SW (Evansville) Indiana are Central
  ["IA", [C], "319 515 563 641 712"],
  ["KS", [C], "316 913"],
  ["KS", [C, M], "620 785"], // Sherman, Wallace, Greeley, Hamilton counties are Mountain
  ["KY", [E], "502 859"],
  ["KY", [C, E], "270 364 606"], // the Central/Eastern line crosses both
  ["LA", [C], "225 318 337 457 504 985"],
  ["ME", [E], "207"],
  ["MD", [E], "227 240 301 410 443 667"],
  ["MA", [E], "339 351 413 508 617 774 781 857 978"],
  ["MI", [E], "231 248 269 313 517 586 616 679 734 810 947 989"],
  ["MI", [E, C], "906"], // four Upper Peninsula counties on the Wisconsin line are Central
  ["MN", [C], "218 320 507 612 651 763 924 952"],
  ["MS", [C], "228 601 662 769"],
  ["MO", [C], "235 314 417 557 573 636 660 816 975"],
  ["MT", [M], "406"],
  ["NE", [C, M], "308"], // the panhandle and the southwest are Mountain
  ["NE", [C], "402 531"], // eastern Nebraska: no Mountain-time exchange in libphonenumber's map
  ["NV", [P], "702 725"],
  ["NV", [P, M], "775"], // West Wendover is on Mountain time by law
  ["NH", [E], "603"],
  ["NJ", [E], "201 551 609 640 732 848 856 862 908 973"],
  ["NM", [M], "505 575"],
  ["NY", [E], "212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718 838 845 914 917 929 934"],
  ["NC", [E], "252 336 472 704 743 828 910 919 980 984"],
  ["ND", [C, M], "701"], // the southwest is Mountain
  ["OH", [E], "216 220 234 283 326 330 380 419 436 440 513 567 614 740 937"],
  ["OK", [C], "405 539 572 580 918"],
  ["OR", [P], "503 971"],
  ["OR", [P, M], "458 541"], // Malheur County (Ontario) is Mountain
  ["PA", [E], "215 223 267 272 412 445 484 570 582 610 717 724 814 835 878"],
  ["RI", [E], "401"],
  ["SC", [E], "803 821 839 843 854 864"],
  ["SD", [C, M], "605"], // west of the Missouri is Mountain
  ["TN", [C], "615 629 731 901"],
  ["TN", [E], "865"],
  ["TN", [E, C], "423 931"], // 423 reaches Central Bledsoe/Marion; 931 reaches Eastern Cumberland County
  ["TX", [C], "210 214 254 281 325 346 361 409 430 469 512 682 713 726 737 806 817 830 832 903 936 940 945 956 972 979"],
  ["TX", [C, M], "432"], // far-west Culberson County keeps Mountain time
  ["TX", [M], "915"], // El Paso and Hudspeth counties
  ["UT", [M], "385 435 801"],
  ["VT", [E], "802"],
  ["VA", [E], "276 434 540 571 686 703 757 804 826 948"],
  ["WA", [P], "206 253 360 425 509 564"],
  ["WV", [E], "304 681"],
  ["WI", [C], "262 274 353 414 534 608 715 920"],
  ["WY", [M], "307"],
  ["PR", ["America/Puerto_Rico"], "787 939"],
  ["VI", ["America/Puerto_Rico"], "340"],
  ["GU", ["Pacific/Guam"], "671"],
  ["MP", ["Pacific/Guam"], "670"],
  ["AS", ["Pacific/Pago_Pago"], "684"],
  // Canada (states: [])
  ["", ["America/Edmonton"], "368 403 587 780 825"],
  ["", ["America/Vancouver"], "604"],
  ["", ["America/Vancouver", "America/Edmonton"], "236 250 257 672 778"], // the East Kootenays are Mountain
  ["", ["America/Winnipeg"], "204 431 584"],
  ["", ["America/Halifax"], "428 506 782 902"],
  ["", ["America/St_Johns", "America/Halifax"], "709 879"], // Labrador is mostly Atlantic
  ["", ["America/Toronto"], "226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 905 942"],
  ["", ["America/Toronto", "America/Winnipeg"], "807"], // Thunder Bay Eastern, Kenora Central
  ["", ["America/Toronto"], "263 354 438 450 468 514 579 819 873"],
  ["", ["America/Toronto", "America/Halifax"], "367 418 581"], // the Magdalen Islands are Atlantic
  ["", ["America/Regina"], "306 474 639"],
  ["", ["America/Whitehorse", "America/Edmonton", "America/Winnipeg", "America/Toronto"], "867"], // Yukon, NWT, Nunavut
];

function build(): ReadonlyMap<string, AreaCodePlace> {
  const map = new Map<string, AreaCodePlace>();
  for (const [state, zones, codes] of ROWS) {
    const place: AreaCodePlace = { states: state ? [state] : [], zones };
    for (const code of codes.split(" ")) {
      if (map.has(code)) throw new Error(`area code ${code} is listed twice`);
      map.set(code, place);
    }
  }
  return map;
}

export const AREA_CODES: ReadonlyMap<string, AreaCodePlace> = build();

/** The place of a 3-digit NANP area code, or undefined when it is not a known US/Canadian one. */
export function lookupAreaCode(npa: string): AreaCodePlace | undefined {
  return AREA_CODES.get(npa);
}

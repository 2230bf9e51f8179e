// zipcode-to-timezone ships no types. CommonJS: `import zipTz from "zipcode-to-timezone"`.
declare module "zipcode-to-timezone" {
  const zipcodeToTimezone: {
    /** IANA zone of a 5-digit US ZIP (e.g. "America/New_York"), or null when the ZIP is unknown. */
    lookup(zipcode: string): string | null;
  };
  export default zipcodeToTimezone;
}

const MAX_LENGTH = 40;

/**
 * A person's name as a stranger typed it into a form, an ad or a chat, or undefined when it does
 * not look like one. A name goes into texts we send ("Hi Maria"), so anything that could carry
 * someone else's words there — a link, a phone number, a sentence — is refused and the text says
 * "there" instead. Accepted: letters of any script (with their accents), spaces, apostrophes
 * (' and ’), hyphens and dots, at least one letter, at most 40 characters; a dot directly followed
 * by two letters ("evil.example") reads as a web address and is refused.
 */
export function plausibleName(raw: string | null | undefined): string | undefined {
  if (typeof raw !== "string") return undefined;
  const name = raw.normalize("NFC").trim().replace(/\s+/g, " ");
  if (name.length === 0 || name.length > MAX_LENGTH) return undefined;
  if (!/^[\p{L}\p{M} '’.-]+$/u.test(name)) return undefined;
  if (!/\p{L}/u.test(name)) return undefined;
  if (/\.\p{L}{2}/u.test(name)) return undefined;
  return name;
}

// What one agent turn reads of the homeowner (issue 16 item 3): a turn joins every unanswered message, and that text
// goes to the model and to the classifiers (emergency, sequence replies, details). An SMS is at most 1,600 characters
// and a chat message 1,000, so a few messages fit whole; past the bound the start (where the problem is usually said)
// and the end (what the reply must answer) are kept and the middle is dropped, marked so the model knows.
export const MAX_INBOUND_TEXT_CHARS = 4000;

const GAP = "\n[...]\n";

/** `text` unchanged when it fits in `maxChars`, else its head and tail (cut between words where one is near) joined by a gap mark. */
export function boundInboundText(text: string, maxChars: number = MAX_INBOUND_TEXT_CHARS): string {
  if (text.length <= maxChars) return text;
  const room = Math.max(0, maxChars - GAP.length);
  const headEnd = cutBack(text, Math.ceil(room / 2));
  const tailStart = cutForward(text, text.length - Math.floor(room / 2));
  return `${text.slice(0, headEnd).trimEnd()}${GAP}${text.slice(tailStart).trimStart()}`;
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** `at`, moved back to a space within 40 characters if there is one, and never between the halves of a surrogate pair */
function cutBack(text: string, at: number): number {
  for (let i = at; i > at - 40 && i > 0; i--) if (isSpace(text[i])) return i;
  return isLowSurrogate(text.charCodeAt(at)) ? at - 1 : at;
}

/** `at`, moved forward to a space within 40 characters if there is one, and never between the halves of a surrogate pair */
function cutForward(text: string, at: number): number {
  for (let i = at; i < at + 40 && i < text.length; i++) if (isSpace(text[i])) return i;
  return isLowSurrogate(text.charCodeAt(at)) ? at + 1 : at;
}

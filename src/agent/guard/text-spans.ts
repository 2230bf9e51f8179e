// Character spans in a reply, shared by the guard's checks (money masks itself out before times are read).
// Everything here is linear in the text: the guard must never stall on a long reply (issue 16 item 3).
export interface Span {
  start: number;
  end: number;
}

/** The text with every span blanked out (same length, so indices still line up). */
export function mask(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let pos = 0;
  for (const s of sorted) {
    const start = Math.max(s.start, pos);
    if (s.end <= start) continue;
    parts.push(text.slice(pos, start), " ".repeat(s.end - start));
    pos = s.end;
  }
  parts.push(text.slice(pos));
  return parts.join("");
}

export const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 0xa0;

/**
 * Where the `words`-th whitespace-separated word before `end` starts: `text.slice(result, end)` holds the last
 * `words` words before `end` (or all of them), starting at a word's first character. Scans only those words and the
 * spaces between them, so checks that look just behind a match ("not", "feel free") stay linear however long the text.
 */
export function wordsBefore(text: string, end: number, words: number): number {
  let i = end;
  for (let w = 0; w < words && i > 0; w++) {
    while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
    while (i > 0 && !isSpace(text.charCodeAt(i - 1))) i--;
  }
  return i;
}

/** The index after the whitespace that starts at `from`. */
export function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The index of the whitespace run that ends at `end` (i.e. `end` moved back over spaces). */
export function skipSpacesBack(text: string, end: number): number {
  let i = end;
  while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
  return i;
}

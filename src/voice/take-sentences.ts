// Streaming text to spoken sentences: the reply is released to Twilio one whole sentence at a time,
// each checked by the reply guard first. Pure: the caller keeps the buffer.
//
// A sentence ends at . ! ? (or a line break) followed by a space, or at the end of the buffer when
// nothing could still change it: "!"/"?", or "." after a word that is not an abbreviation. A "."
// after a digit ("$149." / "2.5") or an abbreviation ("p.m.", "Dr.") waits for the next piece.

const ABBREVIATIONS = new Set(["mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "approx", "no", "a.m", "p.m", "e.g", "i.e", "u.s", "ave", "apt"]);

export function takeSentences(buffer: string, final: boolean): { sentences: string[]; rest: string } {
  const sentences: string[] = [];
  let start = 0;
  for (let i = 0; i < buffer.length; i++) {
    const ch = buffer[i]!;
    if (ch === "\n") {
      push(sentences, buffer.slice(start, i));
      start = i + 1;
      continue;
    }
    if (ch !== "." && ch !== "!" && ch !== "?") continue;
    let end = i;
    while (end + 1 < buffer.length && /[.!?"')\]]/.test(buffer[end + 1]!)) end++;
    const next = buffer[end + 1];
    if (next === undefined) {
      if (!final && endsHere(buffer, start, i, ch)) {
        push(sentences, buffer.slice(start, end + 1));
        start = end + 1;
      }
      break;
    }
    if (!/\s/.test(next)) {
      i = end;
      continue;
    }
    if (ch === "." && abbreviationBefore(buffer.slice(start, i))) {
      i = end;
      continue;
    }
    push(sentences, buffer.slice(start, end + 1));
    start = end + 1;
    i = end;
  }
  const rest = buffer.slice(start);
  if (final) {
    push(sentences, rest);
    return { sentences, rest: "" };
  }
  return { sentences, rest: rest.trimStart() };
}

/** whether a mark at the very end of what has arrived already ends the sentence */
function endsHere(buffer: string, start: number, i: number, mark: string): boolean {
  if (mark !== ".") return true;
  const before = buffer.slice(start, i);
  // "$149." may go on ("$149.50"), "p.m." may be "p.m. on Tuesday"
  return /[A-Za-z]$/.test(before) && !abbreviationBefore(before);
}

function abbreviationBefore(before: string): boolean {
  const word = /([A-Za-z.]+)$/.exec(before)?.[1]?.toLowerCase();
  if (!word) return false;
  // a single letter is an initial or a piece of "a.m."
  return ABBREVIATIONS.has(word) || word.replace(/\./g, "").length === 1;
}

function push(out: string[], s: string): void {
  const t = s.trim();
  if (t) out.push(t);
}
